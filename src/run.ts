// Runs one Config: builds the pipeline (writer, formatter, stderr reporters), then feeds it from standard
// input, from one cluster (cluster.ts) or from several at once, and turns how it went into the exit code.
import { readFile } from 'node:fs/promises';
import { TemplateError } from '@kstern/gotemplate';
import { type RunParts, runCluster } from './cluster.ts';
import type { Config } from './config/config.ts';
import { localZoneFrom } from './config/local-zone.ts';
import type { Deps } from './deps.ts';
import { KubeError } from './kube/api.ts';
import { buildPalette, type ColorLevel, colorLevel, paletteSgr } from './output/colors.ts';
import {
  type DefaultFormatOptions,
  defaultFormatter,
  eventText,
  type Formatter,
  noticeLine,
} from './output/format.ts';
import { type GuardedFormatter, guardFormatter } from './output/guard.ts';
import { eventJSONLine } from './output/json-formats.ts';
import { makeFormatter } from './output/make-formatter.ts';
import { sanitizerFor, sanitizeText, textSanitizerFor } from './output/sanitize.ts';
import { formatSink } from './output/sink.ts';
import { Writer } from './output/writer.ts';
import { runStdin } from './stdin.ts';
import { UserError } from './util/errors.ts';
import { EXIT, SIGNAL_EXIT } from './util/exit-codes.ts';
import { messageLine, type Report } from './util/messages.ts';

async function templateText(cfg: Config): Promise<string | undefined> {
  if (cfg.template === undefined) return undefined;
  if ('text' in cfg.template) return cfg.template.text;
  try {
    return await readFile(cfg.template.file, 'utf8');
  } catch (e) {
    const why = (e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new UserError(`cannot read template file "${cfg.template.file}": ${why}`, 2);
  }
}

/** Builds the formatter up front, so a bad template is a usage error before anything connects. */
function formatterFor(
  cfg: Config,
  deps: Deps,
  template: string | undefined,
  level: ColorLevel,
  report: Report,
  onLineFailed: () => void,
  context?: string,
): GuardedFormatter {
  const showNamespace = cfg.allNamespaces || cfg.namespaces.length > 1;
  const sanitize = deps.stdout.isTTY === true || cfg.sanitize;
  let f: Formatter;
  try {
    f = makeFormatter({
      cfg,
      template,
      level,
      showNamespace,
      localZone: () => localZoneFrom(deps.env),
      stdin: cfg.stdin,
      report,
      onLineFailed,
      sanitize,
      ...(context === undefined ? {} : { context }),
    });
  } catch (e) {
    if (e instanceof TemplateError) throw new UserError(`unable to parse template: ${e.message}`, 2);
    throw e;
  }
  const what = template !== undefined ? 'the template' : `--output ${cfg.output}`;
  const fallback = defaultFormatter({
    level,
    showNamespace,
    ...(sanitize ? { safeName: (name: string) => sanitizeText(name, false) } : {}),
  });
  return guardFormatter(f, fallback, report, what);
}

/**
 * What every source of lines writes through: one writer (stdout and stderr), the formatter and the
 * stderr reporters, built once per run. createPipeline builds it before anything connects, so a bad
 * template is a usage error at once.
 */
export interface Pipeline extends RunParts {
  formatter: GuardedFormatter;
  /** With several --context: each cluster's own formatter (the context before each line). */
  formatterFor(context: string): GuardedFormatter;
  /** Lines the template failed on (dropped) or the chosen output could not format (printed plain). */
  readonly formatFailures: number;
}

export async function createPipeline(cfg: Config, deps: Deps, root: AbortController): Promise<Pipeline> {
  const level = colorLevel(cfg.color, deps.stdout.isTTY === true, deps.env);
  const color = level > 0;
  const palette = buildPalette(cfg.podColors, cfg.containerColors);
  // Diagnostics quote the cluster (Status messages, names): sanitised when stderr itself is a terminal.
  const errFilter = textSanitizerFor({
    isTTY: deps.stderr.isTTY === true,
    sanitizeFlag: cfg.sanitize,
    color,
    ownSgr: paletteSgr(palette),
  });
  // stdout closed or broken: nothing more can be printed, so the run stops (quietly for EPIPE).
  const writer = new Writer({
    out: deps.stdout,
    err: deps.stderr,
    onOutClosed: () => root.abort('stdout closed'),
    ...(errFilter ? { errFilter } : {}),
  });
  const report: Report = (text, severity) => void writer.err(`${messageLine(text, severity)}\n`);
  let lineFailures = 0;
  const formatters: GuardedFormatter[] = [];
  // Read once: with several --context, every cluster's formatter runs the same template.
  const template = await templateText(cfg);
  const formatterOf = (context?: string) => {
    // With several --context, a template failure names its context like every other message.
    const said: Report =
      context === undefined ? report : (text, severity) => report(`context "${context}": ${text}`, severity);
    const f = formatterFor(cfg, deps, template, level, said, () => lineFailures++, context);
    formatters.push(f);
    return f;
  };
  const formatter = formatterOf();
  const sanitize = sanitizerFor({
    stdoutIsTTY: deps.stdout.isTTY === true,
    sanitizeFlag: cfg.sanitize,
    color,
  });
  // Notices about containers (waiting, terminated) look like the attach lines.
  const noticeStyle: DefaultFormatOptions = {
    level,
    showNamespace: cfg.allNamespaces || cfg.namespaces.length > 1,
    palette,
    diffContainer: cfg.diffContainer,
  };
  // --events: their own shape under -o json/extjson; -o raw and templates get the text form.
  const safeText = sanitize === undefined ? (s: string) => s : (s: string) => sanitizeText(s, false);
  const json = cfg.template === undefined && cfg.output !== 'default' && cfg.output !== 'raw';
  const raw = cfg.output === 'raw' && !cfg.template;
  return {
    root,
    writer,
    report,
    formatter,
    sanitize,
    notice: (c, text) => void writer.err(noticeLine(noticeStyle, c, text)),
    printEvent(e) {
      const v = { ...e, reason: safeText(e.reason), message: safeText(e.message) };
      return writer.out(Buffer.from(json ? eventJSONLine(v) : eventText(noticeStyle, v, raw)));
    },
    formatterFor: (context) => formatterOf(context),
    get formatFailures() {
      return formatters.reduce((n, f) => n + f.failures, lineFailures);
    },
  };
}

export async function run(cfg: Config, deps: Deps): Promise<number> {
  const root = new AbortController();
  const onSignal = () => root.abort(deps.signal.reason);
  if (deps.signal.aborted) onSignal();
  deps.signal.addEventListener('abort', onSignal, { once: true });
  try {
    const pipe = await createPipeline(cfg, deps, root);
    let code: number;
    if (cfg.stdin) {
      code = await runStdin({
        input: deps.stdin,
        sink: formatSink(pipe.formatter, pipe.writer),
        sanitize: pipe.sanitize,
        signal: root.signal,
        maxLineBytes: cfg.maxLineBytes,
      });
    } else if (cfg.contexts.length > 1) {
      code = await runClusters(cfg, deps, pipe);
    } else {
      code = await runCluster(cfg, deps, pipe);
    }
    // A line the template failed on (dropped), or one the chosen output could not format (printed in the
    // default format): not a clean run.
    if (pipe.formatFailures > 0 && code === EXIT.ok) code = EXIT.formatFailed;
    const { writer } = pipe;
    await writer.flush();
    const broken = writer.outFailure;
    if (broken !== undefined) {
      // A full disk or an I/O error lost output: never a quiet success.
      await writer.err(`${messageLine(`cannot write to standard output: ${broken.message}`, 'error')}\n`);
      await writer.flush();
      return EXIT.error;
    }
    if (deps.signal.aborted) return SIGNAL_EXIT[String(deps.signal.reason)] ?? EXIT.error;
    return code;
  } finally {
    deps.signal.removeEventListener('abort', onSignal);
  }
}

/**
 * Several --context: the same query in each cluster at once, each with its own kubeconfig context,
 * transport and credentials, and its own formatter (the context before each line). A cluster that fails
 * is reported once (its error line names the context) and the others go on. The exit code: an error in
 * any cluster wins; nothing matched only when it is so in every cluster.
 */
async function runClusters(cfg: Config, deps: Deps, pipe: Pipeline): Promise<number> {
  const formatters = new Map<string, GuardedFormatter>();
  for (const c of cfg.contexts) formatters.set(c, pipe.formatterFor(c));
  const codes = await Promise.all(
    cfg.contexts.map(async (context) => {
      // Its own root: a cluster that ends (or fails) does not stop the others; a signal stops all.
      const root = new AbortController();
      const stop = () => root.abort(pipe.root.signal.reason);
      if (pipe.root.signal.aborted) stop();
      pipe.root.signal.addEventListener('abort', stop, { once: true });
      try {
        return await runCluster({ ...cfg, context, contexts: [context] }, deps, {
          ...pipe,
          root,
          formatter: formatters.get(context)!,
          report: (text, severity) => pipe.report(`context "${context}": ${text}`, severity),
          label: `context "${context}": `,
        });
      } catch (e) {
        if (!(e instanceof UserError) && !(e instanceof KubeError)) throw e;
        await pipe.writer.err(`${messageLine(`context "${context}": ${e.message}`, 'error')}\n`);
        return e instanceof UserError ? e.exitCode : EXIT.error;
      } finally {
        pipe.root.signal.removeEventListener('abort', stop);
      }
    }),
  );
  const notOk = codes.filter((c) => c !== EXIT.ok);
  if (notOk.includes(EXIT.error)) return EXIT.error;
  if (notOk.length === codes.length && notOk.every((c) => c === EXIT.nothingMatched))
    return EXIT.nothingMatched;
  return notOk.find((c) => c !== EXIT.nothingMatched) ?? EXIT.ok;
}
