// The node half of tests/system/test_openapi.py (Python has no YAML parser or JSON
// Schema validator in its standard library; node has both, pinned in package-lock.json).
//
//   node openapi.mjs check DOC.yaml
//       Validates DOC against the OpenAPI 3.1 schema (@seriousme/openapi-schema-validator)
//       and every request example that expects success against its schema. Prints the
//       document as JSON on stdout (what the Python test reads); problems on stderr,
//       exit 1.
//   node openapi.mjs answers DOC.yaml ANSWERS.json
//       ANSWERS.json: [{"method", "path" (the document's path), "status", "body", "what"}].
//       Checks that each status is documented for its operation and each body matches
//       the documented schema. Prints {"problems": [...]} on stdout; exit 1 if any.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule.default || addFormatsModule;

function fail(msg) {
	process.stderr.write(msg + "\n");
	process.exit(1);
}

async function load(file) {
	const validator = new Validator();
	const res = await validator.validate(file);
	if (!res.valid)
		fail(`${file} is not valid OpenAPI ${validator.version || "3.1"}:\n` +
		     JSON.stringify(res.errors, null, 2));
	if (validator.version !== "3.1")
		fail(`${file}: OpenAPI ${validator.version}, expected 3.1`);
	return validator.specification;
}

function pointer(parts) {
	return "#/" + parts.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

function deref(doc, obj) {
	while (obj && typeof obj.$ref === "string" && obj.$ref.startsWith("#/")) {
		const parts = obj.$ref.slice(2).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
		obj = parts.reduce((o, k) => (o ? o[k] : undefined), doc);
	}
	return obj;
}

function schemaChecker(doc) {
	const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
	addFormats(ajv);
	ajv.addSchema(doc, "openapi.json");
	const cache = new Map();
	return (ptr) => {
		if (!cache.has(ptr))
			cache.set(ptr, ajv.compile({ $ref: "openapi.json" + ptr }));
		const fn = cache.get(ptr);
		return (value) => (fn(value) ? null : ajv.errorsText(fn.errors, { separator: "; " }));
	};
}

// The location of the JSON schema of a response: through a $ref to components/responses
// when there is one.
function responseSchemaPointer(doc, path, method, status) {
	const op = doc.paths?.[path]?.[method];
	if (!op) return { error: `${method.toUpperCase()} ${path} is not in the document` };
	const resp = op.responses?.[String(status)];
	if (!resp) return { error: `${method.toUpperCase()} ${path} does not document status ${status}` };
	let parts = ["paths", path, method, "responses", String(status)];
	if (resp.$ref) parts = resp.$ref.slice(2).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
	const r = deref(doc, resp);
	if (!r.content?.["application/json"]?.schema)
		return { error: `${method.toUpperCase()} ${path} ${status} has no application/json schema` };
	return { ptr: pointer([...parts, "content", "application/json", "schema"]) };
}

const METHODS = ["get", "put", "post", "delete", "patch"];

async function check(file) {
	const doc = await load(file);
	const checker = schemaChecker(doc);
	const problems = [];
	for (const [path, item] of Object.entries(doc.paths || {})) {
		for (const method of METHODS) {
			const op = item[method];
			if (!op?.requestBody) continue;
			const body = deref(doc, op.requestBody);
			const media = body.content?.["application/json"];
			if (!media?.schema) {
				problems.push(`${method.toUpperCase()} ${path}: request body without an application/json schema`);
				continue;
			}
			const ptr = pointer(["paths", path, method, "requestBody", "content", "application/json", "schema"]);
			for (const [name, ex] of Object.entries(media.examples || {})) {
				const e = deref(doc, ex);
				if (e["x-expect"] && e["x-expect"].status >= 300) continue; // meant to be refused
				const why = checker(ptr)(e.value);
				if (why) problems.push(`${method.toUpperCase()} ${path} example ${name}: ${why}`);
			}
		}
	}
	if (problems.length) fail("request examples that do not match their schema:\n" + problems.join("\n"));
	process.stdout.write(JSON.stringify(doc));
}

async function answers(file, answersFile) {
	const doc = await load(file);
	const checker = schemaChecker(doc);
	const list = JSON.parse(readFileSync(answersFile, "utf-8"));
	const problems = [];
	for (const a of list) {
		const where = responseSchemaPointer(doc, a.path, a.method.toLowerCase(), a.status);
		if (where.error) {
			problems.push(`${a.what}: ${where.error}`);
			continue;
		}
		const why = checker(where.ptr)(a.body);
		if (why) problems.push(`${a.what}: ${a.status} answer does not match the schema: ${why}: ${JSON.stringify(a.body).slice(0, 300)}`);
	}
	process.stdout.write(JSON.stringify({ checked: list.length, problems }));
	if (problems.length) process.exit(1);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "check" && args.length === 1) await check(args[0]);
else if (cmd === "answers" && args.length === 2) await answers(args[0], args[1]);
else fail("usage: node openapi.mjs check DOC.yaml | answers DOC.yaml ANSWERS.json");
