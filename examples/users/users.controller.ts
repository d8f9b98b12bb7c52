import { Body, Controller, EventBus, Get, HttpCode, HttpError, Param, Post } from 'koa-event-bus';
import { AuditLog } from './audit-log';
import { UserRegistered } from './events';
import { RegisterUserDto } from './register-user.dto';
import { Stats } from './stats';
import { type User, UserStore } from './user-store';

@Controller('/users')
export class UsersController {
  constructor(
    private readonly bus: EventBus,
    private readonly users: UserStore,
  ) {}

  /** Registers a user; the welcome email, audit line and counters happen after the 201. */
  @Post('/')
  @HttpCode(201)
  register(@Body(RegisterUserDto) dto: RegisterUserDto): User {
    const user = this.users.create(dto); // 409 on a duplicate: nothing is emitted
    this.bus.emit(new UserRegistered(user.id, user.email, user.name));
    return user;
  }

  @Get('/:id')
  find(@Param('id') id: string): User {
    const user = this.users.find(id);
    if (!user) throw new HttpError(404, `No user ${id}`);
    return user;
  }
}

@Controller()
export class AdminController {
  constructor(
    private readonly stats: Stats,
    private readonly audit: AuditLog,
  ) {}

  @Get('/stats')
  getStats(): Stats {
    return this.stats;
  }

  @Get('/audit')
  getAudit(): { lines: string[] } {
    return { lines: this.audit.lines };
  }
}
