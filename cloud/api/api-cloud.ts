/*
 * api-cloud — the running Cloud plus its control-plane API (startCloud's `api` option): `cloud.api` has the
 * URL and the first access key; stop() closes the API before the broker and the store.
 */
import { DetectCloud } from "../detect-cloud";
import type { Api } from "./index";

export class ApiCloud extends DetectCloud {
	#api: Api | undefined;

	/** The API server, when started with the `api` option. */
	get api(): Api | undefined {
		return this.#api;
	}

	serve(api: Api): void {
		this.#api = api;
	}

	override async stop(): Promise<void> {
		const api = this.#api;
		this.#api = undefined;
		await api?.close();
		await super.stop();
	}
}
