import { IsString } from 'class-validator';
import { Controller } from '../../src/http/controller.decorator';
import { Body } from '../../src/http/param.decorators';
import { Post } from '../../src/http/route.decorators';
import { buildApp } from './build-app';

class NoteDto {
  @IsString() text!: string;
}

const calls: string[] = [];

@Controller('/notes')
class NotesController {
  @Post('/')
  create(@Body(NoteDto) note: NoteDto) {
    calls.push(note.text);
    return note;
  }

  @Post('/raw')
  raw(@Body() body: unknown) {
    return { body };
  }

  @Post('/ping')
  ping() {
    return { pong: true };
  }
}

describe('body parsing', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  describe('with the defaults (JSON only, 100kb)', () => {
    const { http } = buildApp([NotesController]);

    it('answers 400 KEB_MALFORMED_BODY for malformed JSON, without calling the method', async () => {
      const res = await http
        .post('/notes')
        .set('content-type', 'application/json')
        .send('{"text": ');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { code: 'KEB_MALFORMED_BODY', message: 'Malformed request body.' },
      });
      expect(calls).toEqual([]);
    });

    it('answers 400 for JSON that is a bare string (strict: objects and arrays only)', async () => {
      const res = await http.post('/notes').set('content-type', 'application/json').send('"hi"');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('KEB_MALFORMED_BODY');
    });

    it('accepts a body of exactly 100kb and answers 413 above it', async () => {
      const overhead = JSON.stringify({ text: '' }).length;
      const fits = await http.post('/notes').send({ text: 'a'.repeat(100 * 1024 - overhead) });
      expect(fits.status).toBe(200);
      const res = await http.post('/notes').send({ text: 'a'.repeat(100 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body).toEqual({
        error: {
          code: 'KEB_PAYLOAD_TOO_LARGE',
          message: 'Request body exceeds the limit of 100kb.',
        },
      });
      expect(calls).toHaveLength(1);
    });

    it('answers 415 for a body whose content type is not enabled', async () => {
      const res = await http.post('/notes').set('content-type', 'text/plain').send('hello');
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('KEB_UNSUPPORTED_MEDIA_TYPE');
      expect(res.body.error.message).toBe(
        'Unsupported content type text/plain; expected application/json, application/json-patch+json, application/vnd.api+json, application/csp-report, application/scim+json.',
      );
      const form = await http.post('/notes').type('form').send('text=hello');
      expect(form.status).toBe(415);
      expect(calls).toEqual([]);
    });

    it('answers 415 for a body without a content type', async () => {
      const res = await http
        .post('/notes/raw')
        .set('content-type', '')
        .send(Buffer.from('{"text":"x"}'));
      expect(res.status).toBe(415);
      expect(res.body.error.message).toMatch(/^Unsupported content type \(none\)/);
    });

    it('accepts JSON with a charset and vendor JSON types', async () => {
      const res = await http
        .post('/notes/raw')
        .set('content-type', 'application/vnd.api+json; charset=utf-8')
        .send('{"a":1}');
      expect(res.body).toEqual({ body: { a: 1 } });
    });

    it('treats a request without a body as {} (then validation decides)', async () => {
      expect((await http.post('/notes/raw')).body).toEqual({ body: {} });
      const res = await http.post('/notes');
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        { field: 'text', constraints: { isString: 'text must be a string' } },
      ]);
    });

    it('does not parse or judge bodies of routes without @Body', async () => {
      const res = await http.post('/notes/ping').set('content-type', 'text/plain').send('x');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ pong: true });
    });
  });

  describe('with options', () => {
    const { http } = buildApp([NotesController], {
      bodyParser: { jsonLimit: 20, enableTypes: ['json', 'form', 'text'] },
    });

    it('applies a custom jsonLimit', async () => {
      const res = await http.post('/notes').send({ text: 'more than twenty bytes' });
      expect(res.status).toBe(413);
      expect(res.body.error.message).toBe('Request body exceeds the limit of 20.');
    });

    it('parses urlencoded forms and text when enabled', async () => {
      const form = await http.post('/notes').type('form').send('text=hi');
      expect(form.status).toBe(200);
      expect(form.body).toEqual({ text: 'hi' });
      const text = await http.post('/notes/raw').set('content-type', 'text/plain').send('plain');
      expect(text.body).toEqual({ body: 'plain' });
    });

    it('still answers 415 for types that are not enabled', async () => {
      const res = await http.post('/notes').set('content-type', 'application/xml').send('<a/>');
      expect(res.status).toBe(415);
    });

    it('answers 400 when a text body reaches a DTO', async () => {
      const res = await http.post('/notes').set('content-type', 'text/plain').send('plain');
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([
        { field: '', constraints: { isObject: 'body must be an object' } },
      ]);
    });
  });
});
