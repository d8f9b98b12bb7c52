import 'reflect-metadata';

/**
 * Applies decorators to a class built at run time (the routing benchmark needs 50 handler classes),
 * exactly as `tsc` would for a hand-written one, including the emitDecoratorMetadata entries.
 */
export function decorateMethod(
  cls: abstract new (...args: never[]) => unknown,
  key: string,
  decorators: MethodDecorator[],
  paramTypes: unknown[],
  returnType: unknown = Promise,
): void {
  const proto = cls.prototype as object;
  const desc = Object.getOwnPropertyDescriptor(proto, key);
  if (!desc) throw new Error(`decorateMethod: ${cls.name}.${key} does not exist`);
  const all: MethodDecorator[] = [
    ...decorators,
    Reflect.metadata('design:type', Function),
    Reflect.metadata('design:paramtypes', paramTypes),
    Reflect.metadata('design:returntype', returnType),
  ];
  const out = Reflect.decorate(all, proto, key, desc);
  Object.defineProperty(proto, key, out ?? desc);
}

export function decorateClass<T extends abstract new (...args: never[]) => unknown>(
  cls: T,
  decorators: ClassDecorator[],
  paramTypes: unknown[] = [],
): T {
  return Reflect.decorate(
    [...decorators, Reflect.metadata('design:paramtypes', paramTypes)],
    cls,
  ) as T;
}

/** Gives a run-time class a readable name (handler ids are often derived from it). */
export function named<T extends object>(cls: T, name: string): T {
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}
