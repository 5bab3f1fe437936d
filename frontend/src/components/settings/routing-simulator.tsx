import { useState, type FormEvent } from "react";
import { FlaskConical, Loader2 } from "lucide-react";
import type { SimulateRoutingQuery, SiteFieldsFragment } from "@/gql/graphql";
import { FormField, fieldAria } from "@/components/common/form-field";
import { QueryError } from "@/components/common/states";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useRoutingSimulation } from "@/hooks/use-settings-data";
import { formatBytes } from "@/lib/format";
import type { SimulationParams } from "@/lib/query-keys";
import { parseSimulatedMedia, parseSize } from "@/lib/routing-form";

type Simulation = SimulateRoutingQuery["simulateRouting"];

/** "Which rule would a file here match?": asks simulateRouting; nothing is changed. */
export function RoutingSimulator({ sites }: { sites: SiteFieldsFragment[] }) {
  const [site, setSite] = useState("");
  const [path, setPath] = useState("");
  const [size, setSize] = useState("");
  const [codec, setCodec] = useState("");
  const [pixels, setPixels] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const [params, setParams] = useState<SimulationParams | null>(null);
  const result = useRoutingSimulation(params);

  const siteCode = site || sites[0]?.code || "";
  const sizeBytes = parseSize(size);
  const media = parseSimulatedMedia(codec, pixels);
  const errors = {
    path: submitted && path.trim() === "" ? "A path such as A001/A001_C003.mov." : undefined,
    size: sizeBytes === undefined ? "A size such as 500 MB or 2 GB, or empty." : undefined,
    pixels: media === undefined ? "Width × height, such as 3840x2160, or empty." : undefined,
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (path.trim() === "" || sizeBytes === undefined || media === undefined || siteCode === "") return;
    setParams({ site: siteCode, path: path.trim(), sizeBytes, ...media });
  };

  const siteName = (code: string | null) => {
    if (!code) return null;
    const found = sites.find((s) => s.code === code);
    return found ? `${found.name} (${code})` : code;
  };

  return (
    <section aria-labelledby="simulate-heading" className="space-y-3">
      <div>
        <h3 id="simulate-heading" className="text-sm font-semibold">
          Simulate
        </h3>
        <p className="text-xs text-muted-foreground">
          What would happen to a file reported at a site with this path? Nothing is changed.
        </p>
      </div>
      <form
        className="grid grid-cols-1 items-start gap-3 sm:grid-cols-[11rem_1fr_8rem] xl:grid-cols-[11rem_1fr_8rem_8rem_9rem_auto]"
        onSubmit={submit}
        noValidate
      >
        <FormField id="simulate-site" label="Site">
          <Select value={siteCode} onValueChange={setSite}>
            <SelectTrigger id="simulate-site">
              <SelectValue placeholder="Choose a site" />
            </SelectTrigger>
            <SelectContent>
              {sites.map((s) => (
                <SelectItem key={s.id} value={s.code}>
                  {s.name}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </FormField>
        <FormField id="simulate-path" label="Path" error={errors.path}>
          <Input
            id="simulate-path"
            className="font-mono text-xs"
            value={path}
            autoComplete="off"
            placeholder="A001/A001_C003.mov"
            onChange={(e) => setPath(e.target.value)}
            {...fieldAria("simulate-path", errors.path)}
          />
        </FormField>
        <FormField id="simulate-size" label="Size (optional)" error={errors.size}>
          <Input
            id="simulate-size"
            value={size}
            autoComplete="off"
            placeholder="2 GB"
            onChange={(e) => setSize(e.target.value)}
            {...fieldAria("simulate-size", errors.size)}
          />
        </FormField>
        <FormField id="simulate-codec" label="Codec (optional)">
          <Input
            id="simulate-codec"
            value={codec}
            autoComplete="off"
            placeholder="prores 4444"
            onChange={(e) => setCodec(e.target.value)}
          />
        </FormField>
        <FormField id="simulate-pixels" label="Resolution (optional)" error={errors.pixels}>
          <Input
            id="simulate-pixels"
            value={pixels}
            autoComplete="off"
            placeholder="3840x2160"
            onChange={(e) => setPixels(e.target.value)}
            {...fieldAria("simulate-pixels", errors.pixels)}
          />
        </FormField>
        <Button type="submit" variant="outline" className="mt-5" disabled={result.isFetching}>
          {result.isFetching ? <Loader2 className="animate-spin" aria-hidden /> : <FlaskConical aria-hidden />}
          Simulate
        </Button>
      </form>
      {params && result.isError && <QueryError error={result.error} />}
      {params && result.data && (
        <SimulationResult params={params} sim={result.data.simulateRouting} siteName={siteName} />
      )}
    </section>
  );
}

function SimulationResult({
  params,
  sim,
  siteName,
}: {
  params: SimulationParams;
  sim: Simulation;
  siteName: (code: string | null) => string | null;
}) {
  const subject = (
    <>
      <span className="font-mono">{params.path}</span> at {siteName(params.site)}
      {params.sizeBytes !== null && <> ({formatBytes(params.sizeBytes)})</>}
    </>
  );
  const reasons = sim.reasons.length > 0 && (
    <ul className="list-inside list-disc text-xs text-muted-foreground" data-testid="simulation-reasons">
      {sim.reasons.map((r) => (
        <li key={r}>{r}</li>
      ))}
    </ul>
  );
  if (!sim.matched) {
    return (
      <div data-testid="simulation-result" data-matched="false" className="space-y-2">
        <Alert variant="info">
          {sim.waitingForMedia ? (
            <>
              A rule with media conditions holds {subject} until the site daemon sends its media info (codec,
              resolution); give a codec and resolution to see where it would go then.
            </>
          ) : (
            <>No rule matches {subject}: the file would wait in Detected for an engineer.</>
          )}
        </Alert>
        {reasons}
      </div>
    );
  }
  const destination = siteName(sim.destinationSite);
  const colorist = sim.wouldAssignTo;
  return (
    <div data-testid="simulation-result" data-matched="true" className="space-y-3 rounded-md border bg-muted/40 p-4">
      <p className="text-sm">
        {subject} matches rule <strong data-testid="simulation-rule">{sim.ruleName}</strong>.
      </p>
      {reasons}
      <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-1.5 text-sm">
        <dt className="text-muted-foreground">Destination</dt>
        <dd>{destination ?? "None: an engineer chooses when queueing"}</dd>
        <dt className="text-muted-foreground">Validate</dt>
        <dd>{sim.autoValidate ? "Automatically" : "No: waits for an engineer"}</dd>
        <dt className="text-muted-foreground">Queue</dt>
        <dd>
          {sim.autoQueue && destination ? `Automatically, for transfer to ${destination}` : "No: waits for an engineer"}
        </dd>
        <dt className="text-muted-foreground">Assign</dt>
        <dd data-testid="simulation-assign">
          {sim.autoAssign === "NONE"
            ? "No: an engineer assigns a colorist"
            : colorist
              ? `After the transfer, to the least-loaded colorist: right now ${colorist.displayName} (${colorist.username}), ${colorist.activeFiles} active file${colorist.activeFiles === 1 ? "" : "s"}`
              : "After the transfer, to the least-loaded colorist: right now there is no active colorist at the destination"}
        </dd>
      </dl>
    </div>
  );
}
