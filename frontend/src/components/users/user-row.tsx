import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Role, UpdateUserInput, UserFieldsFragment, UsersQuery } from "@/gql/graphql";
import { Alert } from "@/components/ui/alert";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { TableCell, TableRow } from "@/components/ui/table";
import { UpdateUserMutation } from "@/graphql/operations";
import { ROLES } from "@/lib/domain";
import { humanize } from "@/lib/format";
import { errorMessage, gqlRequest } from "@/lib/graphql-client";
import { queryKeys } from "@/lib/query-keys";

export function UserRow({ user, isSelf }: { user: UserFieldsFragment; isSelf: boolean }) {
  const queryClient = useQueryClient();
  const update = useMutation({
    mutationFn: (input: UpdateUserInput) => gqlRequest(UpdateUserMutation, { id: user.id, input }),
    onSuccess: (data) =>
      queryClient.setQueryData<UsersQuery>(queryKeys.users, (d) =>
        d ? { users: d.users.map((u) => (u.id === user.id ? data.updateUser : u)) } : d,
      ),
  });
  // A deactivated account shows its name struck through and the "Deactivated" label, not a faded row: faded muted
  // text falls below WCAG AA contrast (axe flagged it).
  return (
    <TableRow data-testid="user-row" data-username={user.username} data-active={user.active}>
      <TableCell>
        <div className={user.active ? "font-medium" : "font-medium line-through"}>{user.displayName}</div>
        <div className="font-mono text-xs text-muted-foreground">{user.username}</div>
        {update.isError && <Alert className="mt-1 py-1 text-xs">{errorMessage(update.error)}</Alert>}
      </TableCell>
      <TableCell className="w-44">
        <Select
          value={user.role}
          disabled={isSelf || update.isPending}
          onValueChange={(role) => update.mutate({ role: role as Role })}
        >
          <SelectTrigger aria-label={`Role of ${user.username}`} className="h-8">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {ROLES.map((r) => (
              <SelectItem key={r} value={r}>
                {humanize(r)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </TableCell>
      <TableCell className="text-sm">{user.site?.name ?? <span className="text-muted-foreground">—</span>}</TableCell>
      <TableCell className="text-right tabular-nums">{user.activeFiles}</TableCell>
      <TableCell>
        <div className="flex items-center gap-2">
          <Switch
            checked={user.active}
            disabled={isSelf || update.isPending}
            onCheckedChange={(active) => update.mutate({ active })}
            aria-label={`${user.username} is active`}
          />
          <span className="text-xs text-muted-foreground">{user.active ? "Active" : "Deactivated"}</span>
        </div>
      </TableCell>
    </TableRow>
  );
}
