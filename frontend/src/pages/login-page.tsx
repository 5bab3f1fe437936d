import { useState, type FormEvent } from "react";
import { ArrowLeftRight, Loader2 } from "lucide-react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useLogin } from "@/hooks/use-auth";
import { errorMessage } from "@/lib/graphql-client";
import { takeLoginNotice } from "@/lib/login-notice";

export function LoginPage() {
  const login = useLogin();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [notice] = useState(takeLoginNotice);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ username: username.trim(), password });
  };

  return (
    <div className="flex min-h-screen items-center justify-center bg-[radial-gradient(ellipse_at_top,_rgba(14,165,233,0.18),_transparent_60%)] px-4">
      <Card className="w-full max-w-sm">
        <CardHeader className="items-center gap-3 pb-4 text-center">
          <span
            aria-hidden
            className="flex size-11 items-center justify-center rounded-xl bg-gradient-to-br from-sky-400 to-sky-600 text-white shadow-lg"
          >
            <ArrowLeftRight className="size-5" />
          </span>
          <h1 className="text-lg font-semibold tracking-tight">Sign in to Color Routing</h1>
          <CardDescription>Track every file from camera to MAM.</CardDescription>
        </CardHeader>
        <CardContent>
          <form className="space-y-4" onSubmit={onSubmit} aria-label="Sign in">
            <div className="space-y-2">
              <Label htmlFor="username">Username</Label>
              <Input
                id="username"
                name="username"
                autoComplete="username"
                autoFocus
                required
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            </div>
            <div className="space-y-2">
              <Label htmlFor="password">Password</Label>
              <Input
                id="password"
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                aria-invalid={login.isError || undefined}
                aria-describedby={login.isError ? "login-error" : undefined}
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
            {notice && !login.isError && <Alert variant="info">{notice}</Alert>}
            {login.isError && (
              <Alert id="login-error" data-testid="login-error">
                {errorMessage(login.error)}
              </Alert>
            )}
            <Button type="submit" className="w-full" disabled={login.isPending}>
              {login.isPending && <Loader2 className="animate-spin" aria-hidden />}
              Sign in
            </Button>
          </form>
        </CardContent>
      </Card>
    </div>
  );
}
