import { Search, X } from "lucide-react";
import type { FileKind, FileState, SiteFieldsFragment, UserFieldsFragment } from "@/gql/graphql";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { FILE_STATES } from "@/lib/domain";
import { humanize } from "@/lib/format";
import { CODEC_CHOICES, WIDTH_CHOICES } from "@/lib/media";
import { EMPTY_FILTERS, type FileFilterState } from "@/lib/url-filters";

export { EMPTY_FILTERS, type FileFilterState } from "@/lib/url-filters";

const KIND_OPTIONS = [
  { value: "ALL", label: "All kinds" },
  { value: "FILE", label: "Single files" },
  { value: "SEQUENCE", label: "Sequences" },
  { value: "FOLDER", label: "Clip folders" },
];

interface Props {
  value: FileFilterState;
  onChange: (next: FileFilterState) => void;
  sites: SiteFieldsFragment[];
  colorists: UserFieldsFragment[] | null;
}

export function FileFilters({ value, onChange, sites, colorists }: Props) {
  const set = <K extends keyof FileFilterState>(key: K, v: FileFilterState[K]) => onChange({ ...value, [key]: v });
  const dirty = (Object.keys(EMPTY_FILTERS) as (keyof FileFilterState)[]).some((k) => value[k] !== EMPTY_FILTERS[k]);
  return (
    <div role="search" aria-label="Filter files" className="flex flex-wrap items-end gap-3">
      <div className="w-full space-y-1.5 sm:w-60 xl:w-72">
        <Label htmlFor="file-search">Search</Label>
        <div className="relative">
          <Search className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground" aria-hidden />
          <Input
            id="file-search"
            type="search"
            placeholder="Filename or path"
            className="pl-8"
            value={value.search}
            onChange={(e) => set("search", e.target.value)}
          />
        </div>
      </div>
      <FilterSelect
        id="filter-state"
        label="State"
        value={value.state}
        onChange={(v) => set("state", v as FileState | "ALL")}
        options={[{ value: "ALL", label: "All states" }, ...FILE_STATES.map((s) => ({ value: s, label: humanize(s) }))]}
      />
      <FilterSelect
        id="filter-site"
        label="Site"
        value={value.siteCode}
        onChange={(v) => set("siteCode", v)}
        options={[{ value: "ALL", label: "All sites" }, ...sites.map((s) => ({ value: s.code, label: s.name }))]}
      />
      {colorists && (
        <FilterSelect
          id="filter-colorist"
          label="Colorist"
          value={value.coloristId}
          onChange={(v) => set("coloristId", v)}
          options={[
            { value: "ALL", label: "All colorists" },
            ...colorists.map((c) => ({ value: c.id, label: c.displayName })),
          ]}
        />
      )}
      <FilterSelect
        id="filter-codec"
        label="Codec"
        value={value.codec}
        onChange={(v) => set("codec", v)}
        options={[{ value: "ALL", label: "Any codec" }, ...CODEC_CHOICES]}
      />
      <FilterSelect
        id="filter-resolution"
        label="Resolution"
        value={value.minWidth}
        onChange={(v) => set("minWidth", v)}
        options={[
          { value: "ALL", label: "Any resolution" },
          ...WIDTH_CHOICES.map((w) => ({ value: String(w.value), label: w.label })),
        ]}
      />
      <FilterSelect
        id="filter-kind"
        label="Kind"
        value={value.kind}
        onChange={(v) => set("kind", v as FileKind | "ALL")}
        options={KIND_OPTIONS}
      />
      {dirty && (
        <Button variant="ghost" size="sm" onClick={() => onChange(EMPTY_FILTERS)} className="mb-0.5">
          <X aria-hidden /> Clear filters
        </Button>
      )}
    </div>
  );
}

function FilterSelect({
  id,
  label,
  value,
  onChange,
  options,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string }[];
}) {
  return (
    <div className="w-[calc(50%-0.375rem)] space-y-1.5 sm:w-40 xl:w-44">
      <Label htmlFor={id}>{label}</Label>
      <Select value={value} onValueChange={onChange}>
        <SelectTrigger id={id} aria-label={label}>
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {options.map((o) => (
            <SelectItem key={o.value} value={o.value}>
              {o.label}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}
