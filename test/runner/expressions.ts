/**
 * `${{ }}` expressions, evaluated by GitHub's own evaluator (@actions/expressions, the one
 * the Actions language service uses), with the status functions a runner provides.
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';

export const CONTEXTS = ['github', 'env', 'secrets', 'needs', 'steps', 'runner', 'job', 'inputs', 'vars', 'strategy', 'matrix'];

export interface ExprScope {
  /** github, env, secrets, needs, steps, runner, job… as plain JSON. */
  contexts: Record<string, unknown>;
  /** The job so far (for a step) or the needed jobs (for a job): what success()/failure() read. */
  failed: boolean;
  cancelled: boolean;
  /** A needed job was skipped: success() is false, failure() is not true. */
  skipped?: boolean;
}

const STATUS = ['success', 'failure', 'always', 'cancelled'];

function functions(scope: ExprScope): Map<string, FunctionDefinition> {
  const fn = (name: string, value: () => boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) },
  ];
  return new Map([
    fn('success', () => !scope.failed && !scope.cancelled && !scope.skipped),
    fn('failure', () => scope.failed && !scope.cancelled),
    fn('always', () => true),
    fn('cancelled', () => scope.cancelled),
    // Not used by our workflows: a workflow that starts using it fails here, not silently.
    [
      'hashfiles',
      {
        name: 'hashFiles',
        minArgs: 1,
        maxArgs: 255,
        call: () => {
          throw new Error('the local runner does not implement hashFiles()');
        },
      },
    ],
  ]);
}

export function evaluate(expression: string, scope: ExprScope): data.ExpressionData {
  const tokens = new Lexer(expression).lex().tokens;
  const ast = new Parser(tokens, CONTEXTS, [...functions(scope).values()]).parse();
  const context = JSON.parse(JSON.stringify(scope.contexts), data.reviver) as data.Dictionary;
  return new Evaluator(ast, context, functions(scope)).evaluate();
}

/** As GitHub turns a value into text: null is empty, objects and arrays are JSON. */
export function asText(value: data.ExpressionData): string {
  if (value.kind === data.Kind.Dictionary || value.kind === data.Kind.Array) return JSON.stringify(value, data.replacer, 2);
  return value.coerceString();
}

/** Replaces every `${{ … }}` in `text` with its value. */
export function interpolate(text: string, scope: ExprScope): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_all, expr: string) => asText(evaluate(expr, scope)));
}

/**
 * A job's or step's `if:`. Without `${{ }}` it is an expression all the same; without a
 * status function it means `success() && (…)`, and no `if:` at all means `success()`.
 */
export function condition(value: unknown, scope: ExprScope): boolean {
  const success = !scope.failed && !scope.cancelled && !scope.skipped;
  if (value === undefined || value === null) return success;
  if (typeof value === 'boolean') return value && success;
  let expr = String(value).trim();
  const whole = /^\$\{\{([\s\S]*)\}\}$/.exec(expr);
  if (whole) expr = whole[1]!.trim();
  else if (expr.includes('${{')) expr = `'${interpolate(expr, scope).replaceAll("'", "''")}'`;
  const usesStatus = new RegExp(`\\b(${STATUS.join('|')})\\s*\\(`, 'i').test(expr);
  return truthy(evaluate(usesStatus ? expr : `success() && (${expr})`, scope));
}
