import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  ScrollArea,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Tree,
  getTreeExpandedState,
  useTree,
} from '@mantine/core';
import { useMemo, useState } from 'react';
import {
  analyzeBody,
  countNodes,
  hexDump,
  jsonTree,
  prettyJson,
  type AnalyzedBody,
  type BodyKind,
  type JsonNode,
} from '../lib/body-format';
import { formatBytes } from '../lib/format';

export type BodyView = 'tree' | 'pretty' | 'fields' | 'raw' | 'hex' | 'base64';

const VIEW_LABELS: Record<BodyView, string> = {
  tree: 'Tree',
  pretty: 'Pretty',
  fields: 'Fields',
  raw: 'Raw',
  hex: 'Hex',
  base64: 'Base64',
};

/** A tree of more nodes than this is slow to draw: such a body opens pretty-printed. */
const TREE_NODE_LIMIT = 2000;

const KIND_LABELS: Record<BodyKind, string> = {
  empty: 'Empty',
  json: 'JSON',
  form: 'Form fields',
  text: 'Text',
  binary: 'Binary',
};

function viewsOf(kind: BodyKind): BodyView[] {
  switch (kind) {
    case 'json':
      return ['tree', 'pretty', 'raw', 'hex'];
    case 'form':
      return ['fields', 'raw', 'hex'];
    case 'text':
      return ['raw', 'hex'];
    case 'binary':
      return ['hex', 'base64'];
    case 'empty':
      return [];
  }
}

interface Props {
  body: string;
  encoding: 'utf8' | 'base64';
  contentType: string | null;
  /** What the body is, for accessible names: "body" gives "Copy body". */
  name?: string;
}

/** A request or response body, rendered by its content type, with raw and hex views. */
export function BodyViewer({ body, encoding, contentType, name = 'body' }: Props) {
  const analyzed = useMemo(
    () => analyzeBody(body, encoding, contentType),
    [body, encoding, contentType],
  );
  const tree = useMemo(
    () => (analyzed.kind === 'json' ? jsonTree(analyzed.value) : null),
    [analyzed],
  );
  const views = viewsOf(analyzed.kind);
  const initial = tree && countNodes(tree) > TREE_NODE_LIMIT ? 'pretty' : views[0];
  const [chosen, setChosen] = useState<BodyView | null>(null);
  const view = chosen && views.includes(chosen) ? chosen : initial;

  if (analyzed.kind === 'empty') {
    return (
      <Text c="dimmed" size="sm">
        No {name}
      </Text>
    );
  }

  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <SegmentedControl
          size="xs"
          aria-label={`${name[0].toUpperCase()}${name.slice(1)} view`}
          value={view}
          onChange={(value) => setChosen(value as BodyView)}
          data={views.map((v) => ({ value: v, label: VIEW_LABELS[v] }))}
        />
        <Group gap="xs">
          <Text size="xs" c="dimmed">
            {KIND_LABELS[analyzed.kind]} · {formatBytes(analyzed.bytes.length)}
          </Text>
          <CopyButton value={analyzed.kind === 'binary' ? body : analyzed.text}>
            {({ copied, copy }) => (
              <Button
                size="compact-xs"
                variant="light"
                color={copied ? 'teal' : undefined}
                onClick={copy}
                aria-label={`Copy ${name}`}
              >
                {copied ? 'Copied' : `Copy ${name}`}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Group>
      {analyzed.kind === 'text' && analyzed.jsonError && (
        <Alert color="yellow" variant="light" p="xs" title="Not valid JSON">
          The content type says JSON, but it does not parse: {analyzed.jsonError}
        </Alert>
      )}
      <BodyContent analyzed={analyzed} view={view} tree={tree} base64={body} name={name} />
    </Stack>
  );
}

interface ContentProps {
  analyzed: Exclude<AnalyzedBody, { kind: 'empty' }>;
  view: BodyView;
  tree: JsonNode | null;
  base64: string;
  name: string;
}

function BodyContent({ analyzed, view, tree, base64, name }: ContentProps) {
  switch (view) {
    case 'tree':
      return tree ? <JsonTreeView root={tree} label={`${name} as a tree`} /> : null;
    case 'pretty':
      return analyzed.kind === 'json' ? <CodeBlock>{prettyJson(analyzed.value)}</CodeBlock> : null;
    case 'fields':
      return analyzed.kind === 'form' ? <FormFields fields={analyzed.fields} name={name} /> : null;
    case 'raw':
      return 'text' in analyzed ? <CodeBlock>{analyzed.text}</CodeBlock> : null;
    case 'hex':
      return <CodeBlock>{hexDump(analyzed.bytes)}</CodeBlock>;
    case 'base64':
      return <CodeBlock>{base64}</CodeBlock>;
  }
}

function CodeBlock({ children }: { children: string }) {
  return (
    <ScrollArea.Autosize mah={520} type="auto">
      <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {children}
      </Code>
    </ScrollArea.Autosize>
  );
}

function FormFields({ fields, name }: { fields: [string, string][]; name: string }) {
  return (
    <Table striped withTableBorder aria-label={`${name} fields`} fz="xs" ff="monospace">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="30%">Field</Table.Th>
          <Table.Th>Value</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {fields.map(([field, value], i) => (
          <Table.Tr key={`${i}-${field}`}>
            <Table.Td fw={600}>{field}</Table.Td>
            <Table.Td style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function JsonTreeView({ root, label }: { root: JsonNode; label: string }) {
  const data = useMemo(() => root.children ?? [root], [root]);
  const tree = useTree({ initialExpandedState: getTreeExpandedState(data, '*') });
  return (
    <ScrollArea.Autosize mah={520} type="auto">
      <Tree
        data={data}
        tree={tree}
        aria-label={label}
        levelOffset="md"
        renderNode={({ node, expanded, hasChildren, elementProps }) => (
          <Group gap={4} wrap="nowrap" {...elementProps}>
            <Text span ff="monospace" size="xs" c="dimmed" w={10} aria-hidden>
              {hasChildren ? (expanded ? '▾' : '▸') : ''}
            </Text>
            <Text span ff="monospace" size="xs" style={{ wordBreak: 'break-all' }}>
              {node.label}
            </Text>
          </Group>
        )}
      />
    </ScrollArea.Autosize>
  );
}
