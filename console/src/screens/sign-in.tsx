/** Sign in through POST /auth/login; the tokens go to sessionStorage (session.ts). */
import { type FormEvent, useState } from 'react';
import { api, errorText } from '../api.ts';
import { setSession } from '../session.ts';
import { ErrorBox } from '../ui.tsx';

export function SignIn() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const { data, error: failure, response } = await api.POST('/auth/login', { body: { email, password } });
    setBusy(false);
    if (!data) {
      setError(errorText(failure, response.status));
      return;
    }
    setSession({ email, idToken: data.id_token, refreshToken: data.refresh_token });
  }

  return (
    <main className="sign-in">
      <h1>Environments console</h1>
      <form onSubmit={submit} className="card form" aria-label="Sign in">
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ErrorBox message={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
