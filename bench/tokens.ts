// A real API token for a seeded account, taken the way a client takes one: POST /api/v1/auth/tokens on
// the app the benchmark prepared its data with (listening on 127.0.0.1:`port`).
export async function bearerToken(port: number, email: string, password: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, name: 'bench' }),
  });
  if (res.status !== 201) throw new Error(`POST /api/v1/auth/tokens for ${email} answered ${res.status}: ${await res.text()}`);
  return `Bearer ${((await res.json()) as { token: string }).token}`;
}
