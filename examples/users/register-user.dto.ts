import { IsEmail, IsString, Length } from 'class-validator';

/** Body of `POST /users`. Unknown fields are rejected with 400. */
export class RegisterUserDto {
  @IsEmail()
  email!: string;

  @IsString()
  @Length(1, 80)
  name!: string;
}
