// Validates gateway answers against the Open Inference Protocol's own OpenAPI schemas
// (../shared/specs/oip-v2-rest.yaml), with ajv. Returns the list of problems ([] = valid).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { REPO } from './harness.js';

export function oipValidator(): (schemaName: string, value: unknown) => string[] {
  const doc = YAML.parse(readFileSync(join(REPO, '..', 'shared', 'specs', 'oip-v2-rest.yaml'), 'utf8')) as {
    components: { schemas: Record<string, unknown> };
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  // Rewrite OpenAPI's "#/components/schemas/X" refs to ajv ids.
  const schemas = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', 'oip:')) as Record<string, object>;
  for (const [name, schema] of Object.entries(schemas)) ajv.addSchema({ ...schema, $id: `oip:${name}` });
  return (name, value) => {
    const check = ajv.getSchema(`oip:${name}`);
    if (!check) return [`no schema ${name}`];
    return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  };
}
