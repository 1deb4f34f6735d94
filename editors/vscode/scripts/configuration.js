#!/usr/bin/env node
// Keeps contributes.configuration of package.json equal to docent's settings as
// docs/configuration.md documents them (its two tables `| name | type | default | meaning |`):
// same names, types, defaults, enums and descriptions, plus the extension's own `docent.path`.
// Usage: node scripts/configuration.js           rewrites package.json
//        node scripts/configuration.js --check   exits 1 when package.json has drifted
"use strict";
const fs = require("fs");
const path = require("path");

const here = path.resolve(__dirname, "..");
const docsPath = path.resolve(here, "../../docs/configuration.md");
const packagePath = path.join(here, "package.json");

// The extension's own settings, which the server never sees.
const ownSettings = {
  "docent.path": {
    type: "string",
    default: "",
    markdownDescription:
      "The `docent` binary to start as `docent --stdio`. Empty: the binary bundled in the " +
      "extension, else `docent` on `PATH`. Changing it restarts the server.",
    scope: "machine-overridable",
  },
};

// The rows of every table headed `| name | type | default | meaning |`.
function settingRows(markdown) {
  const rows = [];
  let inTable = false;
  for (const line of markdown.split("\n")) {
    if (/^\| name \| type \| default \| meaning \|$/.test(line.trim())) {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    if (!line.startsWith("|")) {
      inTable = false;
      continue;
    }
    if (/^\|[-| ]+\|$/.test(line.trim())) continue;
    // Cells are split on " | " so that a `|` inside backticks would need care; none has one.
    const cells = line.trim().slice(1, -1).split(" | ").map((cell) => cell.trim());
    if (cells.length !== 4) throw new Error(`configuration.md: not 4 cells: ${line}`);
    const [name, type, def, meaning] = cells;
    rows.push({ name: name.replace(/^`|`$/g, ""), type, def, meaning });
  }
  return rows;
}

const ticked = (text) => [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1]);

// One setting's JSON schema, from its row.
function schema(row) {
  const { name, type, def, meaning } = row;
  const out = {};
  const range = type.match(/^integer, (\d+)–(\d+)$/);
  if (type === "integer" || range) {
    out.type = "integer";
    out.default = Number(def);
    out.minimum = range ? Number(range[1]) : 0;
    if (range) out.maximum = Number(range[2]);
  } else if (type === "boolean") {
    out.type = "boolean";
    out.default = def === "true";
  } else if (/^`[^`]+`(, `[^`]+`)* or `[^`]+`$/.test(type)) {
    out.type = "string";
    out.enum = ticked(type);
    out.default = ticked(def)[0];
  } else if (type.startsWith("list of ")) {
    // "all" (select): no list, every code; "none": the empty list.
    if (def === "all") {
      out.type = ["array", "null"];
      out.default = null;
    } else {
      out.type = "array";
      out.default = [];
    }
    out.items = { type: "string" };
  } else if (type === "table code → level") {
    out.type = "object";
    out.default = {};
    out.additionalProperties = { type: "string", enum: ["error", "warning", "information", "hint"] };
  } else if (type === "string" || type === "absolute path") {
    if (def === "none" || def.includes("$")) {
      out.type = ["string", "null"];
      out.default = null;
    } else {
      out.type = "string";
      out.default = ticked(def)[0];
    }
    if (meaning.includes("` or `")) {
      const values = ticked(meaning.split("(")[0]);
      out.enum = values;
      if (!values.includes(out.default)) throw new Error(`${name}: default not in ${values}`);
    }
  } else {
    throw new Error(`configuration.md: ${name}: a type this script does not know: ${type}`);
  }
  out.markdownDescription = `${meaning} (default: ${def}).`;
  if (name.startsWith("learning.")) out.scope = "machine";
  return out;
}

function configuration() {
  const rows = settingRows(fs.readFileSync(docsPath, "utf8"));
  const properties = { ...ownSettings };
  for (const row of rows) properties[`docent.${row.name}`] = schema(row);
  return {
    title: "docent",
    properties: {
      ...properties,
      "docent.trace.server": {
        type: "string",
        enum: ["off", "messages", "verbose"],
        default: "off",
        markdownDescription: "Log the messages between VS Code and docent in the `docent` output.",
      },
    },
  };
}

const wanted = configuration();
const manifest = JSON.parse(fs.readFileSync(packagePath, "utf8"));
const current = manifest.contributes && manifest.contributes.configuration;
if (process.argv.includes("--check")) {
  if (JSON.stringify(current) !== JSON.stringify(wanted)) {
    console.error(
      "editors/vscode/package.json: contributes.configuration differs from docs/configuration.md;" +
        " run node editors/vscode/scripts/configuration.js");
    process.exit(1);
  }
  console.log(`contributes.configuration matches docs/configuration.md (${
    Object.keys(wanted.properties).length} settings)`);
} else {
  manifest.contributes.configuration = wanted;
  fs.writeFileSync(packagePath, JSON.stringify(manifest, null, 2) + "\n");
}
