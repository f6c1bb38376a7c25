// Validates Kubernetes objects against the Kubernetes API schemas, offline, with the npm package
// kubernetes-models (JSON Schema validators generated from the Kubernetes OpenAPI spec: types, required
// fields, enums, formats such as int-or-string and quantities). Reads a JSON array of objects on stdin
// (the chart tests convert `helm template` output), prints one line per object, exits 1 if any fails.
//
//   node tests/deploy/validate-k8s.mjs [NODE_DIR] < objects.json      (NODE_DIR defaults to tests/node)
//
// What the schemas cannot say: Kubernetes' OpenAPI spec allows unknown fields (no additionalProperties:
// false), so a misspelt key is not an error here; an API server with strict field validation rejects it.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const nodeDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", "node"));
const require = createRequire(join(nodeDir, "package.json"));
const objects = JSON.parse(readFileSync(0, "utf8"));

let failed = 0;
for (const obj of objects) {
  const id = `${obj?.apiVersion}/${obj?.kind} ${obj?.metadata?.name ?? "(no name)"}`;
  let model;
  try {
    // "apps/v1" -> kubernetes-models/apps/v1, "v1" -> kubernetes-models/v1
    model = require(`kubernetes-models/${obj.apiVersion}`)[obj.kind];
  } catch {
    model = undefined;
  }
  if (typeof model !== "function") {
    console.log(`FAIL ${id}: no schema for this apiVersion and kind`);
    failed++;
    continue;
  }
  try {
    new model(obj).validate();
    console.log(`ok ${id}`);
  } catch (e) {
    const details = (e.errors ?? []).map((x) => `${x.instancePath || "/"} ${x.message}`).join("; ");
    console.log(`FAIL ${id}: ${details || e.message}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
