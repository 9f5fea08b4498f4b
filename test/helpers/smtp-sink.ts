/* smtp-sink — the tests use the walkthrough's loopback SMTP server (scripts/smtp-sink.ts). */
export { startSmtpSink, type ReceivedMail, type SmtpSink } from "../../scripts/smtp-sink";
