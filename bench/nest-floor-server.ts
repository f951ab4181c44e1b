// A reference point for the token benchmark: the same framework stack (Nest 11 on Express 5) serving one JSON
// route with no middleware, guard or database. The gap between this and the node:http baseline is what the
// framework itself costs per request on this machine. Run by token.bench.ts.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

@Controller()
class FloorController {
  @Get()
  token(): { token: string } {
    return { token: 'x'.repeat(180) };
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

void NestFactory.create(FloorModule, { logger: false }).then((app) =>
  app.listen(Number(process.env.PORT ?? 5097), '127.0.0.1'),
);
