/** One instruction of a Dockerfile: its keyword (upper case) and the rest of the logical line. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

/** A build stage: `FROM image AS name` and the instructions up to the next FROM. */
export interface DockerStage {
  readonly name: string;
  readonly image: string;
  readonly instructions: readonly DockerInstruction[];
}

/**
 * Splits a Dockerfile into stages of instructions: enough of the format for our tests to read what each stage runs
 * (comments dropped, `\` continuations joined). The linter (dockerfile-utils) checks the syntax itself.
 */
export function parseDockerfile(text: string): DockerStage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (pending === '' && (line.trimStart().startsWith('#') || line.trim() === '')) continue;
    if (line.trimStart().startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push((pending + line.trim()).trim());
    pending = '';
  }
  const stages: { name: string; image: string; instructions: DockerInstruction[] }[] = [];
  for (const line of logical) {
    const space = line.indexOf(' ');
    const keyword = line.slice(0, space).toUpperCase();
    const args = line.slice(space + 1).trim();
    if (keyword === 'FROM') {
      const [image = '', , name = String(stages.length)] = args.split(/\s+/);
      stages.push({ name, image, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`instruction before FROM: ${line}`);
    stage.instructions.push({ keyword, args });
  }
  return stages;
}

/** The arguments of each `keyword` instruction of `stage`, in order. */
export function argsOf(stage: DockerStage, keyword: string): string[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).map(({ args }) => args);
}

/** An exec-form (`["a", "b"]`) argument list. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new Error(`not an exec-form list: ${args}`);
  }
  return parsed;
}
