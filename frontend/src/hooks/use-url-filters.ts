import { useCallback, useEffect, useMemo, useState } from "react";
import { useLocation, useSearch } from "wouter";
import { useDebounced } from "@/hooks/use-debounced";
import { withQuery } from "@/lib/url-filters";

/**
 * A page's filters, kept in its address. Choosing a filter adds a history entry (back undoes it); typed search
 * text settles into the address after a pause and replaces the entry, so back does not replay keystrokes.
 * Back/forward, a reload or a shared link all show the address's filters.
 */
export function useUrlFilters<T extends { search: string }>(
  decode: (search: string) => T,
  encode: (filters: T) => string,
) {
  const query = useSearch();
  const [path, navigate] = useLocation();
  const filters = useMemo(() => decode(query), [decode, query]);
  const [searchText, setSearchText] = useState(filters.search);
  // The address changed under us (back/forward, a link): show its text.
  useEffect(() => setSearchText(filters.search), [filters.search]);

  const setFilters = useCallback(
    (next: T, replace = false) => {
      const target = withQuery(path, encode(next));
      if (target !== withQuery(path, query)) navigate(target, { replace });
    },
    [encode, navigate, path, query],
  );

  const settled = useDebounced(searchText);
  useEffect(() => {
    if (settled.trim() !== filters.search.trim()) setFilters({ ...filters, search: settled }, true);
    // Only a settled edit writes the address; a new address is picked up above.
  }, [settled]);

  return { filters, query, searchText, setSearchText, setFilters };
}
