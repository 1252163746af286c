import type { Template } from './template.js';

/** A value that cannot be known without AWS; `why` says what and how to supply it. */
export class UnresolvableError extends Error {
  override readonly name = 'UnresolvableError';
}

/** What the stack would be deployed as, locally: region, account and parameter values. */
export interface StackContext {
  readonly stackName: string;
  readonly region: string;
  readonly accountId: string;
  /** Parameter values from the overrides file; they win over a parameter's `Default`. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Attributes that have a local value (an API key's `ApiKey`, the API's `Dns.Http`), or `undefined`. */
  readonly localAttribute?: (type: string, logicalId: string, attribute: string) => string | undefined;
  /** The value another stack of the assembly exports under `name` (CDK's cross-stack references), or `undefined`. */
  readonly importValue?: (name: string) => unknown;
}

/** The local name a resource's `Ref` gives: its name property when the template sets one, else its logical id. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Events::EventBus': 'Name',
  'AWS::IAM::Role': 'RoleName',
};

/** The ARN service and resource prefix of the types whose `Arn` attribute is read locally. */
const ARN_SHAPE: Record<string, (name: string) => string> = {
  'AWS::DynamoDB::Table': (name) => `dynamodb:{region}:{account}:table/${name}`,
  'AWS::Lambda::Function': (name) => `lambda:{region}:{account}:function:${name}`,
  'AWS::Events::EventBus': (name) => `events:{region}:{account}:event-bus/${name}`,
  'AWS::IAM::Role': (name) => `iam::{account}:role/${name}`,
};

/**
 * Resolves the intrinsic functions CDK and hand-written templates use where Switchboard reads:
 * `Ref` (parameters, pseudo parameters, resources), `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`,
 * `Fn::Select`, `Fn::Split`, `Fn::Base64`, `Fn::FindInMap` and `Fn::If` with the template's
 * `Conditions`. A resource resolves to local stand-ins: its
 * name (`Ref`) and an ARN in the local region and account (`Arn`), so that references between
 * resources of the stack can be followed back with `resourceOfArn`.
 */
export class Intrinsics {
  constructor(
    private readonly template: Template,
    private readonly stack: StackContext,
  ) {}

  /** Resolves `value` deeply; throws UnresolvableError naming what is missing. */
  resolve(value: unknown): unknown {
    // `Ref: AWS::NoValue` (usually from an `Fn::If`) removes the item or property it stands for.
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)).filter((v) => v !== undefined);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first !== undefined && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) return this.#call(first[0], first[1]);
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]).filter(([, v]) => v !== undefined));
  }

  /** Resolves `value` to a string, or throws UnresolvableError. */
  string(value: unknown, where: string): string {
    const resolved = this.resolve(value);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new UnresolvableError(`${where} is not a string`);
  }

  /** A resource's local name (what `Ref` gives). */
  nameOf(logicalId: string): string {
    const resource = this.template.Resources[logicalId];
    const property = resource && NAME_PROPERTY[resource.Type];
    const named = property !== undefined ? resource?.Properties?.[property] : undefined;
    return named !== undefined ? this.string(named, `${logicalId}.${property}`) : logicalId;
  }

  /** A resource's local ARN. */
  arnOf(logicalId: string): string {
    const type = this.template.Resources[logicalId]?.Type ?? '';
    const shape = ARN_SHAPE[type]?.(this.nameOf(logicalId)) ?? `${type.split('::')[1]?.toLowerCase() ?? 'local'}:{region}:{account}:${logicalId}`;
    return `arn:aws:${shape.replace('{region}', this.stack.region).replace('{account}', this.stack.accountId)}`;
  }

  /**
   * The logical id of the resource of `type` whose local ARN `arn` is (a Lambda ARN may carry a
   * `:version` or `:alias` suffix), or `undefined` for an ARN from outside the stack.
   */
  resourceOfArn(arn: string, type: string): string | undefined {
    for (const [id, resource] of Object.entries(this.template.Resources)) {
      if (resource.Type !== type) continue;
      const own = this.arnOf(id);
      if (arn === own || arn.startsWith(`${own}:`)) return id;
    }
    return undefined;
  }

  /** The logical id of the resource of `type` whose local name (`Ref`) is `name`. */
  resourceNamed(name: string, type: string): string | undefined {
    return Object.entries(this.template.Resources).find(([id, r]) => r.Type === type && this.nameOf(id) === name)?.[0];
  }

  #call(fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref':
        return this.#ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, attr] = typeof arg === 'string' ? [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)] : (arg as [string, unknown]);
        return this.#getAtt(id, this.string(attr, `Fn::GetAtt of ${id}`));
      }
      case 'Fn::Join': {
        const [delimiter, list] = arg as [string, unknown];
        const items = this.resolve(list);
        if (!Array.isArray(items)) throw new UnresolvableError('Fn::Join needs a list');
        return items.map((item, i) => this.string(item, `Fn::Join item ${i}`)).join(delimiter);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.resolve(list);
        const i = Number(this.resolve(index));
        if (!Array.isArray(items) || !(i in items)) throw new UnresolvableError(`Fn::Select index ${i} is out of range`);
        return items[i];
      }
      case 'Fn::Split': {
        const [delimiter, text] = arg as [string, unknown];
        return this.string(text, 'Fn::Split').split(delimiter);
      }
      case 'Fn::Sub':
        return this.#sub(arg);
      case 'Fn::If': {
        const [condition, then, otherwise] = arg as [string, unknown, unknown];
        return this.resolve(this.condition(condition) ? then : otherwise);
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = (arg as unknown[]).map((part, i) => this.string(part, `Fn::FindInMap argument ${i}`));
        const found = this.template.Mappings[map!]?.[top!]?.[second!];
        if (found === undefined) throw new UnresolvableError(`Fn::FindInMap: Mappings.${map}.${top}.${second} does not exist`);
        return this.resolve(found);
      }
      case 'Fn::Base64':
        return Buffer.from(this.string(arg, 'Fn::Base64')).toString('base64');
      case 'Fn::ImportValue': {
        const name = this.string(arg, 'Fn::ImportValue');
        const value = this.stack.importValue?.(name);
        if (value === undefined) throw new UnresolvableError(`Fn::ImportValue ${JSON.stringify(name)} is an output of a stack that is not in the assembly, which exists only in AWS`);
        return value;
      }
      default:
        throw new UnresolvableError(`${fn} is not evaluated locally`);
    }
  }

  /** Whether the template's condition `name` holds (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`). */
  condition(name: string): boolean {
    const expression = this.template.Conditions[name];
    if (expression === undefined) throw new UnresolvableError(`condition ${name} is not in Conditions`);
    return this.#holds(expression);
  }

  #holds(expression: unknown): boolean {
    const [[fn, arg] = ['', undefined]] = Object.entries((expression ?? {}) as Record<string, unknown>);
    const list = (): unknown[] => (Array.isArray(arg) ? arg : []);
    switch (fn) {
      case 'Condition':
        return this.condition(String(arg));
      case 'Fn::Equals': {
        const [a, b] = list().map((v) => this.resolve(v));
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !this.#holds(list()[0]);
      case 'Fn::And':
        return list().every((c) => this.#holds(c));
      case 'Fn::Or':
        return list().some((c) => this.#holds(c));
      default:
        throw new UnresolvableError(`a condition cannot be ${JSON.stringify(expression)}`);
    }
  }

  #ref(name: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return this.stack.region;
      case 'AWS::AccountId':
        return this.stack.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.stack.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.stack.region}:${this.stack.accountId}:stack/${this.stack.stackName}/local`;
      case 'AWS::NoValue':
        return undefined;
    }
    if (name in this.stack.parameters) return this.stack.parameters[name];
    const parameter = this.template.Parameters[name];
    if (parameter !== undefined) {
      // CDK's asset and bootstrap parameters carry SSM paths; locally their default is what counts.
      if (parameter.Default !== undefined) return parameter.Default;
      throw new UnresolvableError(`parameter ${name} has no Default: set parameters.${name} in the overrides file`);
    }
    const resource = this.template.Resources[name];
    if (resource === undefined) throw new UnresolvableError(`Ref ${name}: no such parameter or resource`);
    if (resource.Type === 'AWS::AppSync::Api') return this.arnOf(name);
    if (resource.Type === 'AWS::Lambda::Alias' || resource.Type === 'AWS::Lambda::Version') return this.#qualifiedArn(name);
    return this.nameOf(name);
  }

  /** An alias's or version's ARN: its function's ARN with `:<alias>` or `:<version>`, which `resourceOfArn` follows back. */
  #qualifiedArn(id: string): string {
    const resource = this.template.Resources[id]!;
    const fn = this.string(resource.Properties?.['FunctionName'], `${id}.FunctionName`);
    const base = fn.startsWith('arn:') ? fn : `arn:aws:lambda:${this.stack.region}:${this.stack.accountId}:function:${fn}`;
    const qualifier = resource.Type === 'AWS::Lambda::Alias' ? this.string(resource.Properties?.['Name'], `${id}.Name`) : '1';
    return `${base}:${qualifier}`;
  }

  #getAtt(id: string, attr: string): unknown {
    const resource = this.template.Resources[id];
    if (resource === undefined) throw new UnresolvableError(`Fn::GetAtt ${id}.${attr}: no such resource`);
    const local = this.stack.localAttribute?.(resource.Type, id, attr);
    if (local !== undefined) return local;
    if ((resource.Type === 'AWS::Lambda::Alias' || resource.Type === 'AWS::Lambda::Version') && (attr === 'Arn' || attr === 'AliasArn')) return this.#qualifiedArn(id);
    if (attr === 'Arn' || attr.endsWith('Arn')) return this.arnOf(id);
    if (resource.Type === 'AWS::AppSync::Api' && attr === 'ApiId') return `local-${id}`;
    if (attr === 'Name' || attr === 'TableName' || attr === 'FunctionName') return this.nameOf(id);
    throw new UnresolvableError(`Fn::GetAtt ${id}.${attr} (${resource.Type}) is known only once deployed`);
  }

  #sub(arg: unknown): string {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
    return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name in vars) return this.string(vars[name], `Fn::Sub variable ${name}`);
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) return this.string(this.#getAtt(name.slice(0, dot), name.slice(dot + 1)), `Fn::Sub ${whole}`);
      return this.string(this.#ref(name), `Fn::Sub ${whole}`);
    });
  }
}
