/*
 * table — a sortable, searchable, paged table whose rows the server pages (offset/limit/sort/order/search,
 * docs/console.md): thousands of rows, one page of DOM. The table element carries data-total, data-page.
 */
import type { Page } from "./api";
import { h, mount } from "./dom";

export interface Column<T> {
	key: string;
	label: string;
	/** the server's sort field for this column */
	sort?: string;
	cell: (row: T) => Node | string;
}

export interface Query {
	search: string;
	sort: string;
	order: "asc" | "desc";
	offset: number;
	limit: number;
}

export interface TableOptions<T> {
	id: string;
	columns: Column<T>[];
	rowKey: (row: T) => string;
	load: (q: Query) => Promise<Page<T>>;
	pageSize?: number;
	initialSort?: { sort: string; order: "asc" | "desc" };
	empty?: string;
	onError?: (err: unknown) => void;
	onLoad?: (page: Page<T>) => void;
}

export interface Table {
	element: HTMLElement;
	/** reloads the current page (the first with `fromStart`), flashing rows that changed */
	reload(fromStart?: boolean): void;
	/** the toolbar, for a view's own filters */
	toolbar: HTMLElement;
}

export function table<T>(o: TableOptions<T>): Table {
	const q: Query = { search: "", sort: o.initialSort?.sort ?? "", order: o.initialSort?.order ?? "asc", offset: 0, limit: o.pageSize ?? 50 };
	const input = h("input", { type: "search", placeholder: "Search…", id: `${o.id}-search`, "aria-label": "search" });
	const count = h("span", { class: "muted" });
	const thead = h("thead");
	const tbody = h("tbody");
	const pager = h("div", { class: "pager" });
	const tableEl = h("table", { id: o.id }, thead, tbody);
	const toolbar = h("div", { class: "toolbar" }, input, count);
	const element = h("div", { class: "table-wrap" }, toolbar, tableEl, pager);
	let seen = new Map<string, string>();
	let seq = 0;
	let debounce: ReturnType<typeof setTimeout> | undefined;
	input.addEventListener("input", () => {
		clearTimeout(debounce);
		debounce = setTimeout(() => {
			q.search = input.value.trim();
			q.offset = 0;
			reload();
		}, 200);
	});

	function header(): void {
		const ths = o.columns.map((c) => {
			const on = c.sort !== undefined && c.sort === q.sort;
			const th = h("th", { class: c.sort ? `sortable${on ? ` sorted-${q.order}` : ""}` : undefined, "data-key": c.key }, c.label);
			const field = c.sort;
			if (field) th.addEventListener("click", () => {
				q.order = q.sort === field && q.order === "asc" ? "desc" : "asc";
				q.sort = field;
				q.offset = 0;
				reload();
			});
			return th;
		});
		mount(thead, h("tr", {}, ...ths));
	}

	function render(page: Page<T>): void {
		header();
		const next = new Map<string, string>();
		const trs = page.items.map((r) => {
			const key = o.rowKey(r);
			const json = JSON.stringify(r);
			next.set(key, json);
			const changed = seen.has(key) && seen.get(key) !== json;
			return h("tr", { "data-key": key, class: changed ? "flash" : undefined }, ...o.columns.map((c) => h("td", { "data-col": c.key }, c.cell(r))));
		});
		seen = next;
		if (!trs.length) trs.push(h("tr", {}, h("td", { colspan: o.columns.length, class: "muted" }, o.empty ?? "Nothing here yet.")));
		mount(tbody, ...trs);
		const pages = Math.max(1, Math.ceil(page.total / q.limit));
		const current = Math.floor(q.offset / q.limit);
		tableEl.dataset.total = String(page.total);
		tableEl.dataset.page = String(current);
		count.textContent = `${page.total} in all`;
		const go = (p: number) => () => {
			q.offset = p * q.limit;
			reload();
		};
		mount(
			pager,
			pages > 1 && h("button", { class: "secondary", disabled: current === 0, onclick: go(current - 1) }, "‹ Prev"),
			pages > 1 && h("span", {}, `page ${current + 1} of ${pages}`),
			pages > 1 && h("button", { class: "secondary", disabled: current >= pages - 1, onclick: go(current + 1) }, "Next ›"),
		);
	}

	function reload(fromStart = false): void {
		if (fromStart) q.offset = 0;
		const mine = ++seq;
		o.load({ ...q }).then(
			(page) => {
				if (mine !== seq) return;
				render(page);
				o.onLoad?.(page);
			},
			(err: unknown) => o.onError?.(err),
		);
	}

	header();
	reload();
	return { element, reload, toolbar };
}
