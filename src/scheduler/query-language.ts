import { ServiceError } from '../kit/errors.js';
import { parseQueryDate } from './query-values.js';

/**
 * The ECS cluster query language (memberOf expressions, ListContainerInstances filters):
 * `subject operator [argument]` joined by and/or/not with parentheses. Precedence, loosest first:
 * or, and, not. Arguments are checked against their subject here, so evaluation cannot fail.
 */

export type Subject =
  | { kind: 'attribute'; name: string }
  | { kind: 'ec2InstanceId' | 'agentConnected' | 'agentVersion' | 'registeredAt' | 'runningTasksCount' | 'taskGroup' };

export type Operator = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'exists' | '!exists' | 'in' | '!in' | '=~' | '!~';

export interface Condition {
  kind: 'condition';
  subject: Subject;
  operator: Operator;
  /** Numbers for runningTasksCount and registeredAt (epoch ms), strings otherwise. */
  values: readonly (string | number)[];
  /** For `=~` / `!~`: the argument anchored at both ends (Java `matches()` semantics). */
  pattern?: RegExp;
}

export type Expression =
  | { kind: 'and' | 'or'; left: Expression; right: Expression }
  | { kind: 'not'; operand: Expression }
  | Condition;

/** A malformed expression; the wire sees InvalidParameterException, `position` helps tests and logs. */
export class ExpressionSyntaxError extends ServiceError {
  readonly position: number;
  constructor(text: string, detail: string, position: number) {
    super('InvalidParameterException', `Invalid expression '${text}': ${detail} at position ${position}.`);
    this.position = position;
  }
}

const OPERATOR_WORDS: Readonly<Record<string, Operator>> = {
  equals: '==', not_equals: '!=', greater_than: '>', greater_than_equal: '>=', less_than: '<',
  less_than_equal: '<=', exists: 'exists', not_exists: '!exists', in: 'in', not_in: '!in',
  matches: '=~', not_matches: '!~',
};
const SYMBOLIC = ['==', '!=', '>=', '<=', '=~', '!~', '>', '<'] as const;
const SUBJECTS: Readonly<Record<string, Subject['kind']>> = {
  ec2instanceid: 'ec2InstanceId', agentconnected: 'agentConnected', agentversion: 'agentVersion',
  registeredat: 'registeredAt', runningtaskscount: 'runningTasksCount', 'task:group': 'taskGroup',
};
/** Characters that end a bare word: space, brackets, commas, quotes and operator characters. */
const WORD_END = /[\s()[\],'"=!<>~&|]/;
const NUMBER = /^-?\d+$/;

/** Parses a cluster query language expression; throws ExpressionSyntaxError when malformed. */
export function parseExpression(text: string): Expression {
  const parser = new Parser(text);
  const expression = parser.parseOr();
  parser.expectEnd();
  return expression;
}

class Parser {
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parseOr(): Expression {
    let left = this.#parseAnd();
    while (this.#acceptJoiner('||', 'or')) left = { kind: 'or', left, right: this.#parseAnd() };
    return left;
  }

  expectEnd(): void {
    this.#skipSpace();
    if (this.#pos < this.#text.length) this.#fail(`unexpected '${this.#text.slice(this.#pos, this.#pos + 10)}'`);
  }

  #parseAnd(): Expression {
    let left = this.#parseUnary();
    while (this.#acceptJoiner('&&', 'and')) left = { kind: 'and', left, right: this.#parseUnary() };
    return left;
  }

  #parseUnary(): Expression {
    this.#skipSpace();
    const c = this.#text[this.#pos];
    if (c === '!') {
      this.#pos++;
      return { kind: 'not', operand: this.#parseUnary() };
    }
    const word = this.#peekWord();
    if (word.toLowerCase() === 'not' && /^[\s(]/.test(this.#text[this.#pos + 3] ?? '')) {
      this.#pos += 3;
      return { kind: 'not', operand: this.#parseUnary() };
    }
    if (c === '(') {
      this.#pos++;
      const inner = this.parseOr();
      this.#skipSpace();
      if (this.#text[this.#pos] !== ')') this.#fail("missing ')'");
      this.#pos++;
      return inner;
    }
    return this.#parseCondition();
  }

  #parseCondition(): Condition {
    const at = this.#pos;
    const subject = toSubject(this.#readWord('a subject'));
    if (subject === undefined) this.#fail('unknown subject', at);
    const operator = this.#readOperator();
    if (operator === 'exists' || operator === '!exists') return { kind: 'condition', subject, operator, values: [] };
    if (operator === 'in' || operator === '!in') {
      return { kind: 'condition', subject, operator, values: this.#readList().map(([v, p]) => this.#typed(subject, v, p)) };
    }
    if (operator === '=~' || operator === '!~') return this.#regexCondition(subject, operator);
    this.#skipSpace();
    const valueAt = this.#pos;
    const value = this.#typed(subject, this.#readValue(), valueAt);
    if ((operator !== '==' && operator !== '!=') && subject.kind === 'agentConnected') {
      this.#fail(`'${operator}' does not apply to agentConnected`, valueAt);
    }
    return { kind: 'condition', subject, operator, values: [value] };
  }

  #regexCondition(subject: Subject, operator: '=~' | '!~'): Condition {
    if (subject.kind === 'registeredAt') this.#fail('registeredAt cannot be matched against a pattern');
    this.#skipSpace();
    const at = this.#pos;
    let raw = /^\S*/.exec(this.#text.slice(at))?.[0] ?? '';
    // A pattern is one bare token; closing parentheses it does not open belong to the expression.
    while (raw.endsWith(')') && count(raw, '(') < count(raw, ')')) raw = raw.slice(0, -1);
    if (raw === '') this.#fail('missing pattern', at);
    this.#pos = at + raw.length;
    const source = unquote(raw);
    try {
      return { kind: 'condition', subject, operator, values: [source], pattern: new RegExp(`^(?:${source})$`) };
    } catch {
      return this.#fail(`invalid pattern '${source}'`, at);
    }
  }

  #readOperator(): Operator {
    this.#skipSpace();
    const at = this.#pos;
    const rest = this.#text.slice(at);
    const bang = /^!(exists|in)(?![^\s([])/i.exec(rest);
    if (bang?.[1] !== undefined) {
      this.#pos += bang[0].length;
      return bang[1].toLowerCase() === 'in' ? '!in' : '!exists';
    }
    const symbol = SYMBOLIC.find((s) => rest.startsWith(s));
    if (symbol !== undefined) {
      this.#pos += symbol.length;
      return symbol;
    }
    const operator = OPERATOR_WORDS[this.#peekWord().toLowerCase()];
    if (operator === undefined) return this.#fail('expected an operator', at);
    this.#pos += this.#peekWord().length;
    return operator;
  }

  #readList(): [string, number][] {
    this.#skipSpace();
    if (this.#text[this.#pos] !== '[') this.#fail("expected '['");
    this.#pos++;
    const values: [string, number][] = [];
    for (;;) {
      this.#skipSpace();
      const at = this.#pos;
      values.push([this.#readValue(), at]);
      this.#skipSpace();
      const c = this.#text[this.#pos++];
      if (c === ']') return values;
      if (c !== ',') this.#fail("expected ',' or ']'", this.#pos - 1);
    }
  }

  /** A bare word or a 'single'/"double" quoted string (ECS's examples quote instance ids). */
  #readValue(): string {
    const quote = this.#text[this.#pos];
    if (quote === "'" || quote === '"') {
      const end = this.#text.indexOf(quote, this.#pos + 1);
      if (end < 0) this.#fail('unterminated string');
      const value = this.#text.slice(this.#pos + 1, end);
      this.#pos = end + 1;
      return value;
    }
    return this.#readWord('a value');
  }

  #typed(subject: Subject, value: string, at: number): string | number {
    switch (subject.kind) {
      case 'runningTasksCount':
        if (!NUMBER.test(value)) this.#fail(`'${value}' is not a number`, at);
        return Number(value);
      case 'registeredAt':
        return parseQueryDate(value) ?? this.#fail(`'${value}' is not a date`, at);
      case 'agentConnected':
        if (value !== 'true' && value !== 'false') this.#fail(`'${value}' is not true or false`, at);
        return value;
      default:
        return value;
    }
  }

  #acceptJoiner(symbol: string, word: string): boolean {
    this.#skipSpace();
    if (this.#text.startsWith(symbol, this.#pos)) {
      this.#pos += symbol.length;
      return true;
    }
    const next = this.#peekWord();
    if (next.toLowerCase() !== word) return false;
    this.#pos += next.length;
    return true;
  }

  #peekWord(): string {
    let end = this.#pos;
    while (end < this.#text.length && !WORD_END.test(this.#text[end] ?? '')) end++;
    return this.#text.slice(this.#pos, end);
  }

  #readWord(what: string): string {
    this.#skipSpace();
    const word = this.#peekWord();
    if (word === '') this.#fail(`expected ${what}`);
    this.#pos += word.length;
    return word;
  }

  #skipSpace(): void {
    while (/\s/.test(this.#text[this.#pos] ?? '')) this.#pos++;
  }

  #fail(detail: string, position = this.#pos): never {
    throw new ExpressionSyntaxError(this.#text, detail, position);
  }
}

function toSubject(word: string): Subject | undefined {
  if (word.startsWith('attribute:') && word.length > 'attribute:'.length) {
    return { kind: 'attribute', name: word.slice('attribute:'.length) };
  }
  const kind = SUBJECTS[word.toLowerCase()];
  return kind === undefined ? undefined : { kind } as Subject;
}

const count = (s: string, c: string) => s.split(c).length - 1;
const unquote = (s: string) => (/^(['"]).*\1$/.test(s) && s.length >= 2 ? s.slice(1, -1) : s);
