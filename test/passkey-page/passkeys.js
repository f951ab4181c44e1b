// What a frontend does with the passkey routes (docs/api.md, "Passkeys"), with @simplewebauthn/browser doing the
// base64url work around navigator.credentials. Every call answers { status, body }.
(function () {
  const { startAuthentication, startRegistration } = window.SimpleWebAuthnBrowser;

  async function api(method, path, body) {
    const res = await fetch('/api' + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  window.passkeys = {
    api,
    async register(name) {
      const options = await api('POST', '/auth/passkeys/registration/options');
      const credential = await startRegistration({ optionsJSON: options.body });
      return api('POST', '/auth/passkeys', { name, credential });
    },
    async signIn() {
      const options = await api('POST', '/auth/passkeys/authentication/options');
      const credential = await startAuthentication({ optionsJSON: options.body });
      return api('POST', '/auth/passkeys/authentication', { credential });
    },
  };
})();
