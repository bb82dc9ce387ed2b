// `.get() .all() .run() .values()` run a drizzle query on SQLite only: PostgreSQL's query
// builders have no such methods, and the type lib/ is written against (drizzle's async SQLite
// database, db/async.ts) does not say so. This rule reports them where a drizzle query builder
// is the receiver. lib/ awaits the query itself, or calls `first(query)` (db/async.ts) for one row.
const executors = new Set(['get', 'all', 'run', 'values']);

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid drizzle executors that exist on SQLite only' },
    messages: { sqliteOnly: '`.{{name}}()` runs on SQLite only: await the query, or use first() from db/async.ts' },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program) return {};
    const checker = services.program.getTypeChecker();
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return;
        if (!executors.has(callee.property.name)) return;
        // Where the called method is declared: drizzle's builders, or (Map.get) somewhere else.
        const method = checker.getSymbolAtLocation(services.esTreeNodeToTSNodeMap.get(callee.property));
        const declarations = method?.getDeclarations() ?? [];
        // An insert's .values({...}) is the rows to insert, not the executor.
        const inserting = declarations.some((d) => /InsertBuilder/.test(d.parent?.name?.text ?? ''));
        if (!inserting && declarations.some((d) => d.getSourceFile().fileName.includes('/drizzle-orm/'))) {
          context.report({ node: callee.property, messageId: 'sqliteOnly', data: { name: callee.property.name } });
        }
      },
    };
  },
};
