import { markInjectable } from '../container/metadata';
import type { Class } from '../kernel/class';
import { recordController } from './metadata';

/**
 * Marks a class as an HTTP controller whose routes live under `prefix`.
 * Like `@Injectable()`, it makes TypeScript emit `design:paramtypes`, so the
 * constructor's dependencies are injected by the resolver given to
 * `mountControllers`.
 *
 * @param prefix - Path prefix of every route of the class (default: none).
 *
 * @example
 * ```ts
 * @Controller('/users')
 * export class UsersController {
 *   constructor(private readonly users: UserStore) {}
 *
 *   @Get('/:id')
 *   show(@Param('id') id: string) {
 *     return this.users.find(id);
 *   }
 * }
 * ```
 */
export function Controller(prefix = ''): ClassDecorator {
  return (target) => {
    const cls = target as unknown as Class;
    markInjectable(cls);
    recordController(cls, prefix);
  };
}
