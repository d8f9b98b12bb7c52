import type * as ts from 'typescript';
import type { TypeScript } from './load-typescript';

/** The function an emit or a call belongs to: a method, a function, an arrow held by a variable or property, or the module itself. */
export interface CodeUnit {
  readonly node: ts.Node;
  /** `UsersController.register`, `registerUser`, `(module)`. */
  readonly label: string;
  readonly sourceFile: ts.SourceFile;
}

/**
 * The unit `node` runs in: the nearest method, constructor, function
 * declaration, or arrow/function expression that a variable or class
 * property holds. Callbacks (`items.forEach((i) => bus.emit(…))`) belong to
 * the function around them.
 *
 * @example
 * ```ts
 * codeUnitOf(ts, emitCall).label; // 'UsersController.register'
 * ```
 */
export function codeUnitOf(ts: TypeScript, node: ts.Node): CodeUnit {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    const label = unitLabel(ts, n);
    if (label !== undefined) return { node: n, label, sourceFile: n.getSourceFile() };
  }
  const sourceFile = node.getSourceFile();
  return { node: sourceFile, label: '(module)', sourceFile };
}

function unitLabel(ts: TypeScript, n: ts.Node): string | undefined {
  if (ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isConstructorDeclaration(n))
    return `${className(ts, n.parent)}.${ts.isConstructorDeclaration(n) ? 'constructor' : n.name.getText()}`;
  if (ts.isFunctionDeclaration(n)) return n.name?.getText() ?? '(default function)';
  if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && n.parent) {
    const p = n.parent;
    if (ts.isVariableDeclaration(p)) return p.name.getText();
    if (ts.isPropertyDeclaration(p)) return `${className(ts, p.parent)}.${p.name.getText()}`;
  }
  return undefined;
}

function className(ts: TypeScript, n: ts.Node): string {
  return (ts.isClassLike(n) && n.name?.getText()) || '(class)';
}
