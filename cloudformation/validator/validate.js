#!/usr/bin/env node
// Validates CloudFormation templates offline with @aws/cloudformation-validate (Rego engine, bundled
// resource schemas and cfn-lint rules). The package ships a library only, no command line: this is ours.
//
//   node validate.js [--lenient] [--verbose] [--json] [--region R] TEMPLATE...
//
// Strict by default: the engine then reports warnings (wrong enum values, unused parameters, ...) as
// errors. Exit 0 when no template has an ERROR or FATAL finding and every analysis completed; 1 when one
// has; 2 on a usage error or a template that cannot be read. INFO notes are printed with --verbose only.
'use strict';

const fs = require('fs');
const path = require('path');
const { RegoEngine, TemplateFile, version } = require('@aws/cloudformation-validate');

function usage(message) {
    if (message) {
        process.stderr.write(`validate.js: ${message}\n`);
    }
    process.stderr.write('usage: node validate.js [--lenient] [--verbose] [--json] [--region REGION] TEMPLATE...\n');
    process.exit(2);
}

const args = process.argv.slice(2);
let strict = true;
let json = false;
let verbose = false;
let region;
const templates = [];
for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--lenient') {
        strict = false;
    } else if (arg === '--verbose') {
        verbose = true;
    } else if (arg === '--json') {
        json = true;
    } else if (arg === '--region') {
        region = args[++i];
        if (!region) {
            usage('--region needs a value');
        }
    } else if (arg === '--help' || arg === '-h') {
        usage();
    } else if (arg.startsWith('--')) {
        usage(`unknown option ${arg}`);
    } else {
        templates.push(arg);
    }
}
if (templates.length === 0) {
    usage('name at least one template');
}

const FAILING = new Set(['ERROR', 'FATAL']);
const engine = new RegoEngine();
let failed = false;
const reports = [];
try {
    for (const template of templates) {
        if (!fs.existsSync(template)) {
            process.stderr.write(`validate.js: no such template: ${template}\n`);
            process.exit(2);
        }
        const config = { strict };
        if (region) {
            config.pseudoParameterOverrides = { region };
        }
        const report = engine.validateStandard(new TemplateFile(template), config);
        const failures = report.diagnostics.filter((d) => FAILING.has(d.severity));
        // An incomplete analysis may have skipped findings: not a pass.
        const complete = report.status === 'OK';
        if (failures.length > 0 || !complete) {
            failed = true;
        }
        reports.push({ template, status: report.status, diagnostics: report.diagnostics });
        if (!json) {
            for (const d of report.diagnostics) {
                if (!verbose && (d.severity === 'INFO' || d.severity === 'DEBUG')) {
                    continue;
                }
                const where = d.startLine ? `${path.basename(template)}:${d.startLine}:${d.startColumn}` : path.basename(template);
                const what = [d.entity && d.entity.logicalId, d.propertyPath].filter(Boolean).join(' ');
                process.stdout.write(`${where} [${d.severity}] ${d.ruleId} ${what}: ${d.message}\n`);
            }
            process.stdout.write(`${template}: ${report.status}, ${failures.length} error(s), `
                + `${report.diagnostics.length - failures.length} note(s) (engine ${engine.engineName()} ${version()}`
                + `${strict ? ', strict' : ''})\n`);
        }
    }
} finally {
    engine.free();
}
if (json) {
    process.stdout.write(JSON.stringify({ engine: 'rego', version: version(), strict, reports }, null, 2) + '\n');
}
// Not process.exit(): it would cut off output still queued for a pipe.
process.exitCode = failed ? 1 : 0;
