import { randomUUID } from 'node:crypto';
import { HttpError, Injectable } from 'koa-event-bus';

export interface User {
  id: string;
  email: string;
  name: string;
}

/** An in-memory user table. A real app would use a database here. */
@Injectable()
export class UserStore {
  private readonly byId = new Map<string, User>();

  create(input: { email: string; name: string }): User {
    const email = input.email.toLowerCase();
    for (const u of this.byId.values()) {
      if (u.email === email) throw new HttpError(409, `${email} is already registered`);
    }
    const user = { id: randomUUID(), email, name: input.name };
    this.byId.set(user.id, user);
    return user;
  }

  find(id: string): User | undefined {
    return this.byId.get(id);
  }
}
