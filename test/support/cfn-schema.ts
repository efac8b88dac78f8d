import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';

/**
 * Checks a CloudFormation template against AWS's published resource schemas, as the
 * @aws-cdk/aws-service-spec package ships them (imported from the CloudFormation registry's resource
 * provider schemas): every resource type exists; every property is one the type has, of the right
 * shape (nested types, lists, maps, tags, enumerations where the schema lists them), with every
 * required property present; every Ref, Fn::GetAtt and Fn::Sub names a resource, parameter or
 * pseudo parameter of the template, and every attribute that Fn::GetAtt reads is one the type has;
 * DependsOn names resources; DeletionPolicy is one CloudFormation knows, and Snapshot only where
 * the type supports it.
 *
 * Type checks follow CloudFormation's own leniency: a number or boolean may be written as a
 * string and a string as a number, and any value may be an intrinsic function.
 */

export interface Problem {
  path: string;
  message: string;
}

// The parts of the spec's model that this module reads (from @aws-cdk/service-spec-types).
type PropertyType =
  | { type: 'string'; allowedValues?: string[] }
  | { type: 'number' }
  | { type: 'integer'; allowedValues?: number[] }
  | { type: 'boolean' }
  | { type: 'json' }
  | { type: 'date-time' }
  | { type: 'null' }
  | { type: 'tag' }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'array'; element: PropertyType }
  | { type: 'map'; element: PropertyType }
  | { type: 'union'; types: PropertyType[] };

interface SpecProperty {
  type: PropertyType;
  required?: boolean;
  previousTypes?: PropertyType[];
}

interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, unknown>;
}

interface SpecTypeDefinition {
  name: string;
  properties: Record<string, SpecProperty>;
}

export interface Template {
  Parameters?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown; [key: string]: unknown }>;
  [key: string]: unknown;
}

const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Condition',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
]);
const DELETION_POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']);
// Types for which CloudFormation documents the Snapshot deletion policy.
const SNAPSHOT_TYPES = new Set([
  'AWS::EC2::Volume',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Neptune::DBCluster',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::Redshift::Cluster',
  'AWS::DocDB::DBCluster',
]);
const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);
const CUSTOM_RESOURCE = 'AWS::CloudFormation::CustomResource';

export class TemplateValidator {
  private constructor(private readonly db: Awaited<ReturnType<typeof loadAwsServiceSpec>>) {}

  static async load(): Promise<TemplateValidator> {
    return new TemplateValidator(await loadAwsServiceSpec());
  }

  /** The schema of a resource type, or undefined when AWS publishes none. */
  resource(type: string): SpecResource | undefined {
    const found = this.db.lookup('resource', 'cloudFormationType', 'equals', type);
    return found.length === 1 ? (found[0] as unknown as SpecResource) : undefined;
  }

  private typeDefinition(id: string): SpecTypeDefinition {
    return this.db.get('typeDefinition', id) as unknown as SpecTypeDefinition;
  }

  validate(template: Template): Problem[] {
    const problems: Problem[] = [];
    const report = (path: string, message: string) => problems.push({ path, message });
    const resources = template.Resources ?? {};
    const names = new Set([...Object.keys(resources), ...Object.keys(template.Parameters ?? {})]);

    for (const [logicalId, resource] of Object.entries(resources)) {
      const at = `Resources.${logicalId}`;
      for (const key of Object.keys(resource)) if (!RESOURCE_KEYS.has(key)) report(at, `unknown resource attribute ${key}`);
      const specType = resource.Type?.startsWith('Custom::') ? CUSTOM_RESOURCE : resource.Type;
      const spec = specType ? this.resource(specType) : undefined;
      if (!spec) {
        report(at, `unknown resource type ${String(resource.Type)}`);
        continue;
      }
      for (const dependency of [resource.DependsOn ?? []].flat() as string[]) {
        if (!(dependency in resources)) report(`${at}.DependsOn`, `names no resource of the template: ${dependency}`);
      }
      for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
        const value = resource[policy];
        if (value === undefined) continue;
        if (typeof value !== 'string' || !DELETION_POLICIES.has(value)) report(`${at}.${policy}`, `is not a deletion policy: ${JSON.stringify(value)}`);
        else if (value === 'Snapshot' && !SNAPSHOT_TYPES.has(resource.Type)) report(`${at}.${policy}`, `Snapshot is not supported by ${resource.Type}`);
      }
      const properties = resource.Properties ?? {};
      if (specType === CUSTOM_RESOURCE) {
        // A custom resource's own properties are free-form; ServiceToken and ServiceTimeout are AWS's.
        this.checkObject(`${at}.Properties`, properties, pick(spec.properties, ['ServiceToken', 'ServiceTimeout']), report, names, template, true);
      } else {
        this.checkObject(`${at}.Properties`, properties, spec.properties, report, names, template, false);
      }
    }
    for (const [name, output] of Object.entries(template.Outputs ?? {})) {
      this.checkValue(`Outputs.${name}.Value`, output.Value, { type: 'json' }, report, names, template);
    }
    return problems;
  }

  private checkObject(
    path: string,
    value: Record<string, unknown>,
    properties: Record<string, SpecProperty>,
    report: (path: string, message: string) => void,
    names: Set<string>,
    template: Template,
    allowOthers: boolean,
  ): void {
    for (const [name, property] of Object.entries(properties)) {
      if (property.required && !(name in value)) report(path, `required property ${name} is missing`);
    }
    for (const [name, item] of Object.entries(value)) {
      const property = properties[name];
      if (!property) {
        if (!allowOthers) report(`${path}.${name}`, 'is not a property of this type');
        else this.checkValue(`${path}.${name}`, item, { type: 'json' }, report, names, template);
        continue;
      }
      const candidates = [property.type, ...(property.previousTypes ?? [])];
      const attempts = candidates.map((type) => {
        const found: Problem[] = [];
        this.checkValue(`${path}.${name}`, item, type, (p, m) => found.push({ path: p, message: m }), names, template);
        return found;
      });
      if (!attempts.some((found) => found.length === 0)) for (const problem of attempts[0]!) report(problem.path, problem.message);
    }
  }

  private checkValue(
    path: string,
    value: unknown,
    type: PropertyType,
    report: (path: string, message: string) => void,
    names: Set<string>,
    template: Template,
  ): void {
    if (isIntrinsic(value)) {
      this.checkIntrinsic(path, value, report, names, template);
      return;
    }
    switch (type.type) {
      case 'json':
        // Free-form (policy documents and the like): only the intrinsics inside are checked.
        if (value && typeof value === 'object') {
          for (const [key, item] of Object.entries(value)) this.checkValue(`${path}.${key}`, item, { type: 'json' }, report, names, template);
        }
        return;
      case 'string':
      case 'date-time':
        if (typeof value !== 'string' && typeof value !== 'number') {
          report(path, `must be a string, not ${describe(value)}`);
          return;
        }
        if (type.type === 'string' && type.allowedValues && !type.allowedValues.includes(String(value))) {
          report(path, `must be one of ${type.allowedValues.join(', ')}, not ${JSON.stringify(value)}`);
        }
        return;
      case 'number':
      case 'integer': {
        const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof number !== 'number' || Number.isNaN(number)) {
          report(path, `must be a number, not ${describe(value)}`);
          return;
        }
        if (type.type === 'integer' && !Number.isInteger(number)) report(path, `must be an integer, not ${number}`);
        return;
      }
      case 'boolean':
        if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') report(path, `must be a boolean, not ${describe(value)}`);
        return;
      case 'null':
        if (value !== null) report(path, `must be null, not ${describe(value)}`);
        return;
      case 'tag':
        if (!isPlainObject(value) || !('Key' in value) || !('Value' in value)) {
          report(path, 'must be a tag {Key, Value}');
          return;
        }
        this.checkObject(
          path,
          value,
          { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } },
          report,
          names,
          template,
          false,
        );
        return;
      case 'array':
        if (!Array.isArray(value)) {
          report(path, `must be a list, not ${describe(value)}`);
          return;
        }
        for (const [i, item] of value.entries()) this.checkValue(`${path}[${i}]`, item, type.element, report, names, template);
        return;
      case 'map':
        if (!isPlainObject(value)) {
          report(path, `must be a map, not ${describe(value)}`);
          return;
        }
        for (const [key, item] of Object.entries(value)) this.checkValue(`${path}.${key}`, item, type.element, report, names, template);
        return;
      case 'ref': {
        if (!isPlainObject(value)) {
          report(path, `must be an object, not ${describe(value)}`);
          return;
        }
        const definition = this.typeDefinition(type.reference.$ref);
        this.checkObject(path, value, definition.properties, report, names, template, false);
        return;
      }
      case 'union': {
        const attempts = type.types.map((alternative) => {
          const found: Problem[] = [];
          this.checkValue(path, value, alternative, (p, m) => found.push({ path: p, message: m }), names, template);
          return found;
        });
        if (attempts.some((found) => found.length === 0)) return;
        // Report the alternative whose shape fits and whose content does not, when there is one.
        const shaped = attempts.filter((found) => !found.some((problem) => problem.path === path && problem.message.startsWith('must be a')));
        if (shaped.length === 1) for (const problem of shaped[0]!) report(problem.path, problem.message);
        else
          report(
            path,
            `matches none of its allowed shapes (${attempts
              .flat()
              .map((p) => p.message)
              .join('; ')})`,
          );
        return;
      }
    }
  }

  private checkIntrinsic(
    path: string,
    value: Record<string, unknown>,
    report: (path: string, message: string) => void,
    names: Set<string>,
    template: Template,
  ): void {
    const [name, argument] = Object.entries(value)[0]!;
    switch (name) {
      case 'Ref':
        if (typeof argument !== 'string' || !(names.has(argument) || PSEUDO_PARAMETERS.has(argument))) {
          report(path, `Ref names nothing in the template: ${JSON.stringify(argument)}`);
        }
        return;
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = typeof argument === 'string' ? splitOnce(argument, '.') : (argument as [unknown, unknown]);
        this.checkGetAtt(path, String(logicalId), attribute, report, template);
        return;
      }
      case 'Fn::Sub': {
        const [text, variables] = typeof argument === 'string' ? [argument, {}] : (argument as [string, Record<string, unknown>]);
        for (const match of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const reference = match[1]!;
          if (reference in (variables ?? {}) || PSEUDO_PARAMETERS.has(reference)) continue;
          if (reference.includes('.')) {
            const [logicalId, attribute] = splitOnce(reference, '.');
            this.checkGetAtt(path, logicalId, attribute, report, template);
          } else if (!names.has(reference)) {
            report(path, `Fn::Sub names nothing in the template: \${${reference}}`);
          }
        }
        for (const [key, item] of Object.entries(variables ?? {})) this.checkValue(`${path}.${key}`, item, { type: 'json' }, report, names, template);
        return;
      }
      default:
        // Fn::Join, Fn::Select, Fn::GetAZs, ...: check the intrinsics nested in their arguments.
        this.checkValue(`${path}.${name}`, argument, { type: 'json' }, report, names, template);
    }
  }

  private checkGetAtt(path: string, logicalId: string, attribute: unknown, report: (path: string, message: string) => void, template: Template): void {
    const target = template.Resources[logicalId];
    if (!target) {
      report(path, `Fn::GetAtt names no resource of the template: ${logicalId}`);
      return;
    }
    if (typeof attribute !== 'string') return; // an attribute chosen by an intrinsic
    if (target.Type.startsWith('Custom::')) return; // a custom resource's Data: any name
    const spec = this.resource(target.Type);
    if (spec && !(attribute in spec.attributes)) {
      report(path, `${target.Type} has no attribute ${attribute} (it has ${Object.keys(spec.attributes).join(', ')})`);
    }
  }
}

function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0]!.startsWith('Fn::'));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : `${typeof value} ${JSON.stringify(value)}`;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function pick<T>(record: Record<string, T>, keys: string[]): Record<string, T> {
  return Object.fromEntries(keys.filter((key) => key in record).map((key) => [key, record[key]!]));
}
