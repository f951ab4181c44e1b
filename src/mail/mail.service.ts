import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createTransport, type Transporter } from 'nodemailer';
import { mailConfig } from '../config/configuration';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends mail over SMTP (SMTP_URL, or the embedded sink outside production) from MAIL_FROM. Knows no feature. */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(@Inject(mailConfig.KEY) config: ConfigType<typeof mailConfig>) {
    this.transport = createTransport(
      {
        url: config.smtpUrl,
        // nodemailer waits minutes by default; a stuck relay must not pile up background sends.
        connectionTimeout: config.timeoutMs,
        greetingTimeout: config.timeoutMs,
        socketTimeout: config.timeoutMs,
      },
      { from: config.from },
    );
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail(mail);
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
