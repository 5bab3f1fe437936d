import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { FileState } from "@/gql/graphql";
import { FILE_STATES, STATE_STYLES } from "@/lib/domain";
import { humanize } from "@/lib/format";

export interface StateCountLike {
  state: FileState;
  count: number;
}

/** Every state in lifecycle order, zero where the server sent none. */
export function chartRows(byState: StateCountLike[]): { state: FileState; label: string; count: number }[] {
  const counts = new Map(byState.map((s) => [s.state, s.count]));
  return FILE_STATES.map((state) => ({ state, label: humanize(state), count: counts.get(state) ?? 0 }));
}

export function StateChart({ byState }: { byState: StateCountLike[] }) {
  const rows = chartRows(byState);
  const summary = rows.map((r) => `${r.label}: ${r.count}`).join(", ");
  return (
    <figure className="h-64 w-full" aria-label={`Files by state. ${summary}`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis
            dataKey="label"
            tick={{ fontSize: 10, fill: "var(--muted-foreground)" }}
            interval={0}
            angle={-25}
            textAnchor="end"
            height={56}
            stroke="var(--border)"
          />
          <YAxis
            allowDecimals={false}
            tick={{ fontSize: 11, fill: "var(--muted-foreground)" }}
            stroke="var(--border)"
          />
          <Tooltip
            cursor={{ fill: "var(--muted)" }}
            contentStyle={{
              background: "var(--popover)",
              border: "1px solid var(--border)",
              borderRadius: 6,
              color: "var(--popover-foreground)",
              fontSize: 12,
            }}
          />
          <Bar dataKey="count" name="Files" radius={[4, 4, 0, 0]} isAnimationActive={false}>
            {rows.map((r) => (
              <Cell key={r.state} fill={STATE_STYLES[r.state].hex} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{summary}</figcaption>
    </figure>
  );
}
