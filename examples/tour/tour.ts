import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { IsEmail } from 'class-validator';
import { Body, Controller, createApp, EventBus, EventHandler, HttpCode, OnEvent, Post } from 'koa-event-bus';

export class UserRegistered { // 1. an event: a class, past tense
  constructor(readonly userId: string, readonly email: string) {}
}

export class Mailer { sent: string[] = []; async welcome(to: string) { this.sent.push(to); } }

@EventHandler() // 2. a handler class, built by constructor injection
export class SendWelcomeEmail {
  constructor(private readonly mailer: Mailer) {}
  @OnEvent(UserRegistered, { retry: { attempts: 3, backoffMs: 200 } })
  async send(event: UserRegistered) { // a parameter that does not fit the event fails to compile
    await this.mailer.welcome(event.email);
  }
}

class RegisterUserDto { @IsEmail() email!: string; }

@Controller('/users') // 3. a controller emits
export class UsersController {
  constructor(private readonly bus: EventBus) {}
  @Post('/') @HttpCode(201)
  register(@Body(RegisterUserDto) dto: RegisterUserDto) {
    const user = { id: randomUUID(), email: dto.email };
    this.bus.emit(new UserRegistered(user.id, user.email)); // runs after the 201 is sent
    return user;
  }
}

export const app = createApp({ controllers: [UsersController], handlers: [SendWelcomeEmail] }); // 4. the app
if (require.main === module) void app.listen(3000);
