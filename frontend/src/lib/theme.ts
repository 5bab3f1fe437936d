export type Theme = "dark" | "light";

const STORAGE_KEY = "colorroute.theme";

export function storedTheme(storage: Pick<Storage, "getItem"> = window.localStorage): Theme {
  try {
    return storage.getItem(STORAGE_KEY) === "light" ? "light" : "dark";
  } catch {
    return "dark";
  }
}

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.classList.toggle("dark", theme === "dark");
}

export function saveTheme(theme: Theme, storage: Pick<Storage, "setItem"> = window.localStorage): void {
  try {
    storage.setItem(STORAGE_KEY, theme);
  } catch {
    // Private mode: the toggle still works for this page.
  }
}
