/** How a provider is named to users: "Google" for `google` (the name in OIDC_PROVIDERS). */
export const providerLabel = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);
