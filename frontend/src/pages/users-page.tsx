import { Loading, QueryError } from "@/components/common/states";
import { PageBody, PageHeader } from "@/components/layout/app-shell";
import { CreateUserDialog } from "@/components/users/create-user-dialog";
import { UserRow } from "@/components/users/user-row";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { Table, TableBody, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useCurrentUser } from "@/hooks/use-current-user";
import { useSites, useUsers } from "@/hooks/use-data";

export function UsersPage() {
  const me = useCurrentUser();
  const isAdmin = me.role === "ADMIN";
  const users = useUsers(isAdmin);
  const sites = useSites();

  if (!isAdmin) {
    return (
      <>
        <PageHeader title="Users" />
        <PageBody>
          <Alert>Only administrators manage users.</Alert>
        </PageBody>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Users"
        description="Who can sign in and what they may do."
        actions={<CreateUserDialog sites={sites.data?.sites ?? []} />}
      />
      <PageBody>
        <Card>
          {users.isPending ? (
            <div className="px-5">
              <Loading />
            </div>
          ) : users.isError && !users.data ? (
            <div className="p-5">
              <QueryError error={users.error} />
            </div>
          ) : (
            <Table aria-label="Users">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>User</TableHead>
                  <TableHead>Role</TableHead>
                  <TableHead>Site</TableHead>
                  <TableHead className="text-right">Active files</TableHead>
                  <TableHead>Status</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {users.data.users.map((u) => (
                  <UserRow key={u.id} user={u} isSelf={u.id === me.id} />
                ))}
              </TableBody>
            </Table>
          )}
        </Card>
      </PageBody>
    </>
  );
}
