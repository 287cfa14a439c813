import type { ElementDecl, OperationDecl, SchemaModel } from '../schema-model.js';

/** What the codec needs of the schema model beyond schema-model.ts, built once per model. */

/**
 * A message the codec cannot write or read as the schema says: a value that does not parse as its type,
 * a required element missing, a payload that is not the operation's. The message names the element.
 */
export class CodecError extends Error {}

export type Direction = 'request' | 'response';

/** An operation's wrapper element and its complex type. */
export function wrapperType(
  model: SchemaModel,
  operation: string,
  direction: Direction,
): { element: string; typeName: string } {
  const op = model.operations.get(operation);
  const element = op && (direction === 'request' ? op.inputElement : op.outputElement);
  const typeRef = element ? model.elements.get(element) : undefined;
  if (!element || typeRef?.kind !== 'complex') throw new CodecError(`no ${direction} element for ${operation}`);
  return { element, typeName: typeRef.name };
}

const declsByModel = new WeakMap<SchemaModel, Map<string, Map<string, ElementDecl>>>();

/** The children a type declares, by name (built once per model and type). */
export function declsOf(model: SchemaModel, typeName: string): Map<string, ElementDecl> {
  let byType = declsByModel.get(model);
  if (!byType) declsByModel.set(model, (byType = new Map<string, Map<string, ElementDecl>>()));
  let decls = byType.get(typeName);
  if (!decls) byType.set(typeName, (decls = new Map(model.childrenOf(typeName).map((d) => [d.name, d]))));
  return decls;
}

const wrappersByModel = new WeakMap<SchemaModel, Record<Direction, Map<string, OperationDecl>>>();

/** The operation whose request (or response) wrapper element has this name. */
export function operationByWrapper(
  model: SchemaModel,
  direction: Direction,
  element: string,
): OperationDecl | undefined {
  let index = wrappersByModel.get(model);
  if (!index) {
    const ops = [...model.operations.values()];
    index = {
      request: new Map(ops.map((op) => [op.inputElement, op])),
      response: new Map(ops.map((op) => [op.outputElement, op])),
    };
    wrappersByModel.set(model, index);
  }
  return index[direction].get(element);
}
