/**
 * A readable, self-contained HTML page of the OpenAPI document: no script, no CDN, no web font — nothing is fetched at
 * run time. The one inline stylesheet is allowed by its hash in the page's Content-Security-Policy.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from './document';

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 8px}h2{margin-top:40px;border-bottom:1px solid #ddd;padding-bottom:4px}
section.op{background:#fff;border:1px solid #ddd;border-radius:8px;margin:16px 0;padding:12px 16px}
.m{display:inline-block;min-width:64px;text-align:center;font-weight:700;border-radius:4px;padding:2px 6px;color:#fff}
.GET{background:#0b7285}.POST{background:#2b8a3e}.PUT{background:#e67700}.DELETE{background:#c92a2a}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
pre{background:#f1f3f5;padding:10px;border-radius:6px;overflow:auto}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #e3e3e3;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}.scope{color:#555;font-size:13px}nav a{margin-right:12px}
`.trim();

/** The CSP `style-src` source that allows exactly the page's stylesheet. */
export const DOCS_STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Prose of the document (descriptions): escaped, then its Markdown code spans (`…`) as `<code>`. */
function prose(value: unknown): string {
  return escapeHtml(value).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function anchor(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '-');
}

function schemaLabel(schema: unknown): string {
  if (!schema || typeof schema !== 'object') return '';
  const s = schema as JsonObject;
  if (typeof s.$ref === 'string') {
    const id = s.$ref.split('/').pop() ?? s.$ref;
    return `<a href="#schema-${anchor(id)}"><code>${escapeHtml(id)}</code></a>`;
  }
  const parts: string[] = [];
  if (s.type) parts.push(String(s.type));
  if (Array.isArray(s.enum)) parts.push(`one of ${s.enum.map((v) => String(v)).join(', ')}`);
  if (s.minimum !== undefined || s.maximum !== undefined) {
    parts.push(`${String(s.minimum ?? '…')} to ${String(s.maximum ?? '…')}`);
  }
  if (s.default !== undefined) parts.push(`default ${String(s.default)}`);
  if (s.pattern) parts.push(`pattern ${String(s.pattern)}`);
  if (s.maxLength !== undefined) parts.push(`max ${String(s.maxLength)} chars`);
  return `<code>${escapeHtml(parts.join('; ') || 'any')}</code>`;
}

function renderOperation(path: string, method: string, op: JsonObject): string {
  const security = (op.security as Array<Record<string, string[]>> | undefined) ?? [];
  const scopes = security.flatMap((requirement) => Object.values(requirement).flat());
  const parameters = (op.parameters as JsonObject[] | undefined) ?? [];
  const responses = (op.responses as Record<string, JsonObject> | undefined) ?? {};
  const body = op.requestBody as JsonObject | undefined;
  const bodySchema = (body?.content as Record<string, JsonObject> | undefined)?.['application/json']?.schema;
  const upper = method.toUpperCase();
  return `<section class="op" id="op-${anchor(String(op.operationId))}">
<h3><span class="m ${escapeHtml(upper)}">${escapeHtml(upper)}</span> <code>${escapeHtml(path)}</code></h3>
<p><strong>${escapeHtml(op.summary ?? '')}</strong> <span class="scope">(operationId <code>${escapeHtml(op.operationId)}</code>; ${
    scopes.length > 0 ? `scope <code>${escapeHtml(scopes.join(' '))}</code>` : 'public'
  })</span></p>
${op.description ? `<p>${prose(op.description)}</p>` : ''}
${
  parameters.length > 0
    ? `<table><tr><th>Parameter</th><th>In</th><th>Required</th><th>Schema</th><th>Meaning</th></tr>${parameters
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${schemaLabel(p.schema)}</td><td>${prose(p.description ?? '')}</td></tr>`,
        )
        .join('')}</table>`
    : ''
}
${bodySchema ? `<p>Request body (application/json): ${schemaLabel(bodySchema)}</p>` : ''}
<table><tr><th>Status</th><th>Meaning</th><th>Body</th></tr>${Object.entries(responses)
    .map(([status, response]) => {
      const content = response.content as Record<string, JsonObject> | undefined;
      const [type, media] = content ? (Object.entries(content)[0] ?? []) : [];
      return `<tr><td>${escapeHtml(status)}</td><td>${prose(response.description ?? '')}</td><td>${
        type ? `${escapeHtml(type)} ${schemaLabel(media?.schema)}` : '—'
      }</td></tr>`;
    })
    .join('')}</table>
</section>`;
}

/** Render the page for `document`. */
export function renderDocsPage(document: JsonObject): string {
  const info = (document.info as JsonObject | undefined) ?? {};
  const paths = (document.paths as Record<string, Record<string, JsonObject>> | undefined) ?? {};
  const schemas = ((document.components as JsonObject | undefined)?.schemas as Record<string, JsonObject>) ?? {};
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => renderOperation(path, method, op)),
  );
  const schemaSections = Object.entries(schemas).map(
    ([id, schema]) =>
      `<section class="op" id="schema-${anchor(id)}"><h3><code>${escapeHtml(id)}</code></h3><pre>${escapeHtml(
        JSON.stringify(schema, null, 2),
      )}</pre></section>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(info.title ?? 'API')}</title><style>${STYLE}</style></head>
<body><main>
<h1>${escapeHtml(info.title ?? 'API')}</h1>
<p>${prose(info.description ?? '')}</p>
<p>Version ${escapeHtml(info.version ?? '')} · machine-readable document: <a href="openapi.json"><code>openapi.json</code></a></p>
<nav><a href="#operations">Operations</a><a href="#schemas">Schemas</a></nav>
<h2 id="operations">Operations</h2>
${operations.join('\n')}
<h2 id="schemas">Schemas</h2>
${schemaSections.join('\n')}
</main></body></html>
`;
}
