// Parse an AsyncAPI document (path in argv[2]) with the AsyncAPI project's own parser and print
// {errors, messages}: the diagnostics of severity "error", and the names of the messages it found.
const fs = require('fs');
const { Parser } = require('@asyncapi/parser');

(async () => {
  const { document, diagnostics } = await new Parser().parse(fs.readFileSync(process.argv[2], 'utf8'));
  const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`);
  const messages = document ? document.allMessages().all().map((m) => m.name()) : [];
  process.stdout.write(JSON.stringify({ errors, messages }));
})();
