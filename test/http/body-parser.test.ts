import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { IsString } from 'class-validator';
import { Body, Controller, Post } from 'koa-event-bus';
import { controllerApp } from '../fixtures/controller-app';
import { recordingLogger } from '../fixtures/recording-logger';

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
    const { http } = controllerApp([NotesController]);

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
    const { http } = controllerApp([NotesController], {
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

  describe('Content-Encoding', () => {
    const logger = recordingLogger();
    const { http } = controllerApp([NotesController], { logger });
    const json = '{"text":"hi"}';
    const send = (encoding: string, body: Buffer | string, type = 'application/json') =>
      http
        .post('/notes')
        .set('content-type', type)
        .set('content-encoding', encoding)
        .serialize((raw) => raw) // superagent would JSON-encode a Buffer sent as JSON
        .send(Buffer.from(body));

    beforeEach(() => {
      logger.lines.length = 0;
    });
    afterEach(() => {
      expect(logger.lines).toEqual([]); // 4xx are the client's fault: never logged as errors
    });

    it.each([
      ['gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
      ['br', brotliCompressSync(json)],
      ['identity', Buffer.from(json)],
      ['GZIP', gzipSync(json)],
      [' gzip ', gzipSync(json)],
    ])('decodes a valid %p body', async (encoding, body) => {
      const res = await send(encoding, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ text: 'hi' });
      expect(calls).toEqual(['hi']);
    });

    it.each([
      ['gzip', Buffer.from(json), 'gzip'],
      ['deflate', Buffer.from(json), 'deflate'],
      ['br', Buffer.from(json), 'br'],
      ['gzip', gzipSync(json).subarray(0, 12), 'gzip'],
      ['Deflate', Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff]), 'deflate'],
    ])(
      'answers 400 KEB_MALFORMED_BODY for a body that is not valid %p',
      async (encoding, body, name) => {
        const res = await send(encoding, body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          error: {
            code: 'KEB_MALFORMED_BODY',
            message: `Request body could not be decoded as ${name}.`,
          },
        });
        expect(calls).toEqual([]);
      },
    );

    it('answers 400 KEB_MALFORMED_BODY for a text body that is not valid gzip', async () => {
      const { http: textHttp } = controllerApp([NotesController], {
        logger,
        bodyParser: { enableTypes: ['text'] },
      });
      const res = await textHttp
        .post('/notes/raw')
        .set('content-type', 'text/plain')
        .set('content-encoding', 'gzip')
        .send('plain');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('KEB_MALFORMED_BODY');
    });

    it.each(['compress', 'x-foo', 'gzip, br', 'identity, gzip', 'zstd'])(
      'answers 415 KEB_UNSUPPORTED_MEDIA_TYPE for the encoding %p',
      async (encoding) => {
        const res = await send(encoding, gzipSync(json));
        expect(res.status).toBe(415);
        expect(res.body).toEqual({
          error: {
            code: 'KEB_UNSUPPORTED_MEDIA_TYPE',
            message: `Unsupported content encoding ${encoding}; expected identity, gzip, deflate, br.`,
          },
        });
        expect(calls).toEqual([]);
      },
    );

    it('answers 415 for an unsupported encoding even with an empty body', async () => {
      const res = await http
        .post('/notes/raw')
        .set('content-type', 'application/json')
        .set('content-encoding', 'compress')
        .set('content-length', '0')
        .send();
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('KEB_UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 413 when the decoded body exceeds the limit (no zip bombs)', async () => {
      const bomb = gzipSync(JSON.stringify({ text: 'a'.repeat(1024 * 1024) }));
      expect(bomb.length).toBeLessThan(100 * 1024);
      const res = await send('gzip', bomb);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('KEB_PAYLOAD_TOO_LARGE');
    });
  });

  describe('JSON charset', () => {
    const logger = recordingLogger();
    const { http } = controllerApp([NotesController], {
      logger,
      bodyParser: { enableTypes: ['json', 'text'] },
    });
    const send = (type: string) =>
      http
        .post('/notes')
        .set('content-type', type)
        .serialize((raw) => raw)
        .send(Buffer.from('{"text":"hi"}'));

    beforeEach(() => {
      logger.lines.length = 0;
    });
    afterEach(() => {
      expect(logger.lines).toEqual([]);
    });

    it.each([
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=UTF-8',
      'application/json; charset="utf-8"',
      'application/json;charset=utf8',
      'Application/JSON ; Charset=Utf-8',
      'application/json; charset=utf-8;',
      'application/json; foo=bar; charset=utf-8',
      'application/vnd.api+json; charset=utf-8',
    ])('accepts %p', async (type) => {
      const res = await send(type);
      expect(res.status).toBe(200);
      expect(calls).toEqual(['hi']);
    });

    it.each([
      ['application/json; charset=latin1', 'latin1'],
      ['application/json; charset=utf-16', 'utf-16'],
      ['application/json; charset=UTF-16LE', 'utf-16le'],
      ['application/json; charset=foo', 'foo'],
      ['application/json; charset="iso-8859-1"', 'iso-8859-1'],
      ['application/json; charset=utf-8; charset=latin1', 'latin1'],
      ['application/vnd.api+json; charset=ascii', 'ascii'],
    ])('answers 415 KEB_UNSUPPORTED_MEDIA_TYPE for %p', async (type, charset) => {
      const res = await send(type);
      expect(res.status).toBe(415);
      expect(res.body).toEqual({
        error: {
          code: 'KEB_UNSUPPORTED_MEDIA_TYPE',
          message: `Unsupported charset ${charset}; JSON bodies must be UTF-8.`,
        },
      });
      expect(calls).toEqual([]);
    });

    it.each([
      'application/json; charset',
      'application/json; charset=',
      'application/json; charset="utf-8',
      'application/json; charset=utf-8 x',
      'application/json; =utf-8',
      'application/json; charset=utf-8, text/plain',
      'application/json; charset=utf\u00ff8',
      'application/json/x',
      '/json',
      ';',
    ])('answers 415 for the malformed content type %p', async (type) => {
      const res = await send(type);
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('KEB_UNSUPPORTED_MEDIA_TYPE');
      expect(calls).toEqual([]);
    });

    it('leaves the charset of text bodies alone', async () => {
      const res = await http
        .post('/notes/raw')
        .set('content-type', 'text/plain; charset=latin1')
        .send('plain');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ body: 'plain' });
    });
  });
});
