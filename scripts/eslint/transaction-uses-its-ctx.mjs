// Inside `inTransaction(ctx, async (ctx) => …)` (lib/context.ts) or `transaction(db, async (tx) => …)`
// (db/async.ts), every statement must go through the transaction's own ctx or tx. A ctx, a call
// holding one, or a database from outside the callback runs its statements outside the
// transaction: on PostgreSQL on another pooled connection, which does not see the transaction's
// writes (and waits on its locks), and they are not rolled back with it. This rule reports such
// an outer value where it is passed on whole (`audit(call, …)`, `f(ctx)`) or its `.ctx` / `.db`
// is read. Spreading it with the inner ctx (`{ ...call, ctx }`) or reading other fields is fine.
const names = new Set(['inTransaction', 'transaction']);

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: "Statements inside a transaction go through the transaction's ctx" },
    messages: {
      outer: '`{{name}}` holds a database from outside this transaction: use the callback\'s ctx/call (on PostgreSQL this runs outside the transaction)',
    },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program) return {};
    const checker = services.program.getTypeChecker();
    const holdsDatabase = (node) => {
      const type = checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node));
      if (/AsyncDb|SqliteRemoteDatabase/.test(checker.typeToString(type))) return true;
      return ['ctx', 'db'].some((name) => type.getProperty(name) !== undefined);
    };
    return {
      CallExpression(node) {
        if (node.callee.type !== 'Identifier' || !names.has(node.callee.name)) return;
        const callback = node.arguments[1];
        if (!callback || (callback.type !== 'ArrowFunctionExpression' && callback.type !== 'FunctionExpression')) return;
        const scope = context.sourceCode.scopeManager.acquire(callback);
        if (!scope) return;
        for (const reference of scope.through) {
          const id = reference.identifier;
          const parent = id.parent;
          const passed = parent.type === 'CallExpression' && parent.arguments.includes(id);
          // `{ ...call.ctx, db: tx }` builds the inner ctx: reading .ctx to spread it is fine.
          const reached =
            parent.type === 'MemberExpression' && parent.object === id && !parent.computed && ['ctx', 'db'].includes(parent.property.name) && parent.parent.type !== 'SpreadElement';
          if ((passed || reached) && holdsDatabase(id)) context.report({ node: id, messageId: 'outer', data: { name: id.name } });
        }
      },
    };
  },
};
