/*
 * YAML front matter parsing, with the `yaml` package required on the first parse: only importing another agent's
 * settings reads YAML, and the package's module body is ~1–2 ms of every start-up otherwise.
 */
import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

function parseYaml(text: string): unknown {
  loaded ??= require('yaml') as typeof Yaml;
  return loaded.parse(text);
}

export = parseYaml;
