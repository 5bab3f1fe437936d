import { useState, type FormEvent } from "react";
import { Loader2, UserPlus } from "lucide-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Role, SiteFieldsFragment, UsersQuery } from "@/gql/graphql";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { CreateUserMutation } from "@/graphql/operations";
import { ROLES } from "@/lib/domain";
import { humanize } from "@/lib/format";
import { errorMessage, gqlRequest } from "@/lib/graphql-client";
import { queryKeys } from "@/lib/query-keys";

const NO_SITE = "__none__";

export function CreateUserDialog({ sites }: { sites: SiteFieldsFragment[] }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("COLORIST");
  const [siteCode, setSiteCode] = useState(NO_SITE);
  const create = useMutation({
    mutationFn: () =>
      gqlRequest(CreateUserMutation, {
        input: {
          username: username.trim(),
          displayName: displayName.trim() || null,
          password,
          role,
          siteCode: siteCode === NO_SITE ? null : siteCode,
        },
      }),
    onSuccess: (data) => {
      queryClient.setQueryData<UsersQuery>(queryKeys.users, (d) => (d ? { users: [...d.users, data.createUser] } : d));
      setOpen(false);
      setUsername("");
      setDisplayName("");
      setPassword("");
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const tooShort = password.length > 0 && password.length < 8;

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        create.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <UserPlus aria-hidden /> New user
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form className="grid gap-4" onSubmit={submit}>
          <DialogHeader>
            <DialogTitle>New user</DialogTitle>
            <DialogDescription>Colorists belong to a site; the others usually don't.</DialogDescription>
          </DialogHeader>
          <div className="grid grid-cols-2 gap-3">
            <div className="space-y-2">
              <Label htmlFor="new-username">Username</Label>
              <Input
                id="new-username"
                required
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                autoComplete="off"
              />
            </div>
            <div className="space-y-2">
              <Label htmlFor="new-display">Display name</Label>
              <Input id="new-display" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
            </div>
          </div>
          <div className="space-y-2">
            <Label htmlFor="new-password">Password</Label>
            <Input
              id="new-password"
              type="password"
              required
              minLength={8}
              maxLength={256}
              autoComplete="new-password"
              value={password}
              aria-invalid={tooShort || undefined}
              aria-describedby="new-password-hint"
              onChange={(e) => setPassword(e.target.value)}
            />
            <p id="new-password-hint" className="text-xs text-muted-foreground">
              8 to 256 characters.
            </p>
          </div>
          <div className="grid grid-cols-2 gap-3">
            <div className="space-y-2">
              <Label htmlFor="new-role">Role</Label>
              <Select value={role} onValueChange={(v) => setRole(v as Role)}>
                <SelectTrigger id="new-role" aria-label="Role">
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
            </div>
            <div className="space-y-2">
              <Label htmlFor="new-site">Site</Label>
              <Select value={siteCode} onValueChange={setSiteCode}>
                <SelectTrigger id="new-site" aria-label="Site">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value={NO_SITE}>No site</SelectItem>
                  {sites.map((s) => (
                    <SelectItem key={s.id} value={s.code}>
                      {s.name}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </div>
          </div>
          {create.isError && <Alert>{errorMessage(create.error)}</Alert>}
          <DialogFooter>
            <Button variant="outline" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={create.isPending || tooShort}>
              {create.isPending && <Loader2 className="animate-spin" aria-hidden />}
              Create user
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
