import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import {
  connectionFilterSchema,
  createDestinationSchema,
  createSourceSchema,
  type ConnectionFilter,
  type CreateDestination,
  type CreateSource,
} from '@hookyard/contracts';

/**
 * `hookyard.yaml` (path in `HOOKYARD_CONFIG`): sources, destinations and connections declared
 * as code, applied at every start by `DeclaredConfigService`. Each entry is what the API's
 * create request takes, validated by the same schema:
 *
 *   sources:            # matched by slug, so /in/<slug> stays the same on every install
 *     - name: GitHub
 *       slug: github
 *       verification: { type: github, secrets: ["${GITHUB_WEBHOOK_SECRET}"] }
 *   destinations:       # matched by name
 *     - name: local-api
 *       url: http://localhost:4000/hooks
 *       signingSecret: ${HOOKYARD_SIGNING_SECRET}
 *   connections:        # matched by (source, destination)
 *     - source: github          # a slug, declared here or already in the database
 *       destination: local-api  # a name, declared here or already in the database
 *       filter: { headers: { X-GitHub-Event: push } }   # optional, as in the API
 *
 * In string values, `${VAR}` is replaced from the environment, `${VAR:-default}` falls back when
 * VAR is unset or empty, and `$${` is a literal `${`. Substituted values are always strings.
 *
 * A field the file writes is the truth and is put back on every start; a field it leaves out
 * gets the API's default on create and is left alone afterwards (a destination paused from the
 * dashboard stays paused). To reset such a field, write its default, e.g. `filter: null`.
 */

/** An invalid or inapplicable file, in one line: `hookyard.yaml:12:7: destinations[1].url: …`. */
export class DeclaredConfigError extends Error {
  override readonly name = 'DeclaredConfigError';

  /** Every problem found, one line each; the message shows the first. */
  readonly problems: readonly string[];

  constructor(problem: string | readonly string[]) {
    const problems = typeof problem === 'string' ? [problem] : problem;
    super(
      problems.length > 1
        ? `${problems[0]} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`
        : problems[0],
    );
    this.problems = problems;
  }
}

/** One entry of the file: the API's create input with its defaults, and where it was written. */
export interface Declared<T> {
  /** The entry's dotted path, e.g. `sources[0]`. */
  path: string;
  /** Where the entry starts, e.g. `hookyard.yaml:3:5`. */
  at: string;
  input: T;
  /** The keys the file wrote: only these are compared with, and written to, an existing row. */
  written: ReadonlyArray<keyof T>;
}

export interface DeclaredConnectionInput {
  /** A source's slug. */
  source: string;
  /** A destination's name. */
  destination: string;
  filter: ConnectionFilter | null;
}

export interface DeclaredConfig {
  file: string;
  sources: Declared<CreateSource>[];
  destinations: Declared<CreateDestination>[];
  connections: Declared<DeclaredConnectionInput>[];
}

const declaredConnectionSchema = z
  .object({
    source: createSourceSchema.shape.slug,
    destination: createDestinationSchema.shape.name,
    filter: connectionFilterSchema.nullable().default(null),
  })
  .strict();

const fileSchema = z
  .object({
    sources: z.array(createSourceSchema).default([]),
    destinations: z.array(createDestinationSchema).default([]),
    connections: z.array(declaredConnectionSchema).default([]),
  })
  .strict();

type Path = readonly PropertyKey[];

/** `connections[0].filter.headers["X-GitHub-Event"]` */
function dotted(path: Path): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    if (/^[A-Za-z_$][\w$]*$/.test(name)) return out ? `${out}.${name}` : name;
    return `${out}[${JSON.stringify(name)}]`;
  }, '');
}

/** Reads a YAML document and says where each of its nodes is. */
class Located {
  private readonly lines = new LineCounter();
  readonly doc: Document.Parsed;

  constructor(
    text: string,
    private readonly file: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
  }

  /** `hookyard.yaml:12:7` for a character offset. */
  at(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }

  /**
   * The deepest node on `path` that the file has (a missing field points at its object).
   * With `key`, the last step points at the key rather than its value (for unknown fields).
   */
  nodeAt(path: Path, { key = false } = {}): Node | null {
    let node: unknown = this.doc.contents;
    for (const [i, step] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === step);
        if (!pair) break;
        node = key && i === path.length - 1 ? pair.key : (pair.value ?? pair.key);
      } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
        node = node.items[step];
      } else break;
    }
    return (node as Node | null) ?? null;
  }

  offsetOf(path: Path, options?: { key?: boolean }): number {
    return this.nodeAt(path, options)?.range?.[0] ?? 0;
  }

  problem(offset: number, path: Path, message: string): Problem {
    const field = path.length > 0 ? dotted(path) : 'top level';
    return { offset, line: `${this.at(offset)}: ${field}: ${message}` };
  }
}

interface Problem {
  offset: number;
  line: string;
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{/g;

/** Replaces `${VAR}` in every string value (not in keys), in place, and records what it cannot. */
function substitute(
  located: Located,
  env: Record<string, string | undefined>,
  problems: Problem[],
): void {
  const visit = (node: unknown, path: PropertyKey[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        visit(pair.value, [...path, isScalar(pair.key) ? String(pair.key.value) : '?']);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    } else if (isScalar(node) && typeof node.value === 'string') {
      const offset = node.range?.[0] ?? 0;
      node.value = node.value.replace(
        REFERENCE,
        (match, name: string | undefined, fallback: string | undefined) => {
          if (match === '$${') return '${';
          if (name === undefined) {
            problems.push(
              located.problem(
                offset,
                path,
                '"${" must start ${VAR} or ${VAR:-default} ($${ for a literal)',
              ),
            );
            return match;
          }
          const value = env[name];
          if (fallback !== undefined) return value ? value : fallback;
          if (value !== undefined) return value;
          problems.push(
            located.problem(
              offset,
              path,
              `environment variable ${name} is not set (or write \${${name}:-default})`,
            ),
          );
          return match;
        },
      );
    }
  };
  visit(located.doc.contents, []);
}

function refuse(problems: Problem[]): never {
  throw new DeclaredConfigError(
    [...problems].sort((a, b) => a.offset - b.offset).map((p) => p.line),
  );
}

/** The same name twice in one list is refused at its second place. */
function findDuplicates(
  located: Located,
  list: string,
  entries: readonly { key: string }[],
  field: string,
  problems: Problem[],
): void {
  const first = new Map<string, number>();
  entries.forEach(({ key }, i) => {
    const seen = first.get(key);
    if (seen === undefined) {
      first.set(key, i);
      return;
    }
    const path = [list, i, field];
    problems.push(
      located.problem(
        located.offsetOf(path),
        path,
        `${JSON.stringify(key)} is declared twice (also ${dotted([list, seen])})`,
      ),
    );
  });
}

/** Parses and validates `hookyard.yaml`; throws `DeclaredConfigError` naming the line and field. */
export function parseDeclaredConfig(
  text: string,
  file: string,
  env: Record<string, string | undefined>,
): DeclaredConfig {
  const located = new Located(text, file);
  const syntax = located.doc.errors.map((e) => ({
    offset: e.pos[0],
    line: `${located.at(e.pos[0])}: ${
      e.code === 'MULTIPLE_DOCS' ? 'one YAML document only (remove the "---")' : e.message
    }`,
  }));
  if (syntax.length > 0) refuse(syntax);

  const problems: Problem[] = [];
  substitute(located, env, problems);
  if (problems.length > 0) refuse(problems);

  const raw: unknown = located.doc.toJS() ?? {};
  const result = fileSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const path = [...issue.path, key];
          problems.push(
            located.problem(located.offsetOf(path, { key: true }), path, 'unknown field'),
          );
        }
      } else {
        problems.push(located.problem(located.offsetOf(issue.path), issue.path, issue.message));
      }
    }
    refuse(problems);
  }
  const parsed = result.data;

  findDuplicates(
    located,
    'sources',
    parsed.sources.map((s) => ({ key: s.slug })),
    'slug',
    problems,
  );
  findDuplicates(
    located,
    'destinations',
    parsed.destinations.map((d) => ({ key: d.name })),
    'name',
    problems,
  );
  findDuplicates(
    located,
    'connections',
    parsed.connections.map((c) => ({ key: `${c.source} → ${c.destination}` })),
    'source',
    problems,
  );
  if (problems.length > 0) refuse(problems);

  const rawLists = raw as Record<string, Record<string, unknown>[] | undefined>;
  const entries = <T extends object>(list: string, inputs: T[]): Declared<T>[] =>
    inputs.map((input, i) => ({
      path: dotted([list, i]),
      at: located.at(located.offsetOf([list, i])),
      input,
      written: Object.keys(rawLists[list]?.[i] ?? {}) as (keyof T)[],
    }));
  return {
    file,
    sources: entries('sources', parsed.sources),
    destinations: entries('destinations', parsed.destinations),
    connections: entries('connections', parsed.connections),
  };
}
