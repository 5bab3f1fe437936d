import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { MeQuery, UserFieldsFragment } from "@/gql/graphql";
import { gqlRequest } from "@/lib/graphql-client";
import { queryKeys } from "@/lib/query-keys";
import { LoginMutation, LogoutMutation, MeQuery as MeDoc } from "@/graphql/operations";

export type CurrentUser = UserFieldsFragment;

export function useMe() {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: async () => (await gqlRequest<MeQuery, Record<string, never>>(MeDoc)).me,
    staleTime: Infinity,
    retry: false,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (vars: { username: string; password: string }) => gqlRequest(LoginMutation, vars),
    onSuccess: (data) => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
      queryClient.setQueryData(queryKeys.me, data.login);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => gqlRequest(LogoutMutation),
    onSettled: () => {
      // Signed out first (the app swaps to the login page), then forget everything else.
      queryClient.setQueryData(queryKeys.me, null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
    },
  });
}
