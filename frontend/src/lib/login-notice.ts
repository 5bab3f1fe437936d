/** A one-time message for the login page (e.g. after a password change ended the session). */
const KEY = "colorroute.loginNotice";

export function setLoginNotice(message: string): void {
  try {
    window.sessionStorage.setItem(KEY, message);
  } catch {
    // storage unavailable: the login page simply shows no notice
  }
}

export function takeLoginNotice(): string | null {
  try {
    const message = window.sessionStorage.getItem(KEY);
    window.sessionStorage.removeItem(KEY);
    return message;
  } catch {
    return null;
  }
}
