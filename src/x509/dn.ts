// Distinguished names: one rendering for output (RFC 4514 order, most specific RDN first, like Exchange shows them).
import type { x509 } from './peculiar.js';

/** Renders a Name most specific first: "CN=mail.example.com, O=Contoso, C=US". */
export function nameToString(name: x509.Name): string {
  const rdns = name.toJSON();
  return rdns
    .slice()
    .reverse()
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([type, values]) => values.map((v) => `${type}=${escapeValue(v)}`))
        .join(' + '),
    )
    .join(', ');
}

function escapeValue(v: string): string {
  return v.replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}
