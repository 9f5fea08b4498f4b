/*
 * table — a sortable, searchable, paged table over rows held in memory: thousands of rows, one page of
 * DOM at a time. The table exposes data-total, data-shown and data-page for tests.
 */
import { h, mount } from "./dom";

export interface Column<T> {
	key: string;
	label: string;
	/** the value sorted on */
	sort?: (row: T) => string | number;
	cell: (row: T) => Node | string;
}

export interface TableOptions<T> {
	id: string;
	columns: Column<T>[];
	rowKey: (row: T) => string;
	/** text a search matches (case-insensitive) */
	text: (row: T) => string;
	pageSize?: number;
	initialSort?: { key: string; dir: 1 | -1 };
	empty?: string;
}

export interface Table<T> {
	element: HTMLElement;
	setRows(rows: T[]): void;
	/** re-renders the current page, flashing the rows whose key is in `changed` */
	refresh(changed?: Set<string>): void;
}

export function table<T>(o: TableOptions<T>): Table<T> {
	const pageSize = o.pageSize ?? 50;
	let rows: T[] = [];
	let view: T[] = [];
	let page = 0;
	let sort = o.initialSort ?? { key: o.columns[0].key, dir: 1 as 1 | -1 };
	let search = "";
	const input = h("input", { type: "search", placeholder: "Search…", id: `${o.id}-search`, "aria-label": "search" });
	const count = h("span", { class: "muted" });
	const thead = h("thead");
	const tbody = h("tbody");
	const pager = h("div", { class: "pager" });
	const tableEl = h("table", { id: o.id }, thead, tbody);
	const element = h("div", { class: "table-wrap" }, h("div", { class: "toolbar" }, input, count), tableEl, pager);
	input.addEventListener("input", () => {
		search = input.value.trim().toLowerCase();
		page = 0;
		recompute();
		render();
	});

	function recompute(): void {
		const col = o.columns.find((c) => c.key === sort.key);
		view = search ? rows.filter((r) => o.text(r).toLowerCase().includes(search)) : rows.slice();
		if (col?.sort) {
			const f = col.sort;
			view.sort((a, b) => {
				const x = f(a);
				const y = f(b);
				return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
			});
		}
		page = Math.min(page, Math.max(0, Math.ceil(view.length / pageSize) - 1));
	}

	function header(): void {
		const ths = o.columns.map((c) => {
			const cls = c.sort ? `sortable${c.key === sort.key ? (sort.dir === 1 ? " sorted-asc" : " sorted-desc") : ""}` : undefined;
			const th = h("th", { class: cls, "data-key": c.key }, c.label);
			if (c.sort) th.addEventListener("click", () => {
				sort = { key: c.key, dir: sort.key === c.key ? ((-sort.dir) as 1 | -1) : 1 };
				recompute();
				render();
			});
			return th;
		});
		mount(thead, h("tr", {}, ...ths));
	}

	function render(changed?: Set<string>): void {
		header();
		const slice = view.slice(page * pageSize, (page + 1) * pageSize);
		const trs = slice.map((r) => {
			const key = o.rowKey(r);
			return h("tr", { "data-key": key, class: changed?.has(key) ? "flash" : undefined }, ...o.columns.map((c) => h("td", { "data-col": c.key }, c.cell(r))));
		});
		if (!trs.length) trs.push(h("tr", {}, h("td", { colspan: o.columns.length, class: "muted" }, o.empty ?? "Nothing here yet.")));
		mount(tbody, ...trs);
		tableEl.dataset.total = String(rows.length);
		tableEl.dataset.shown = String(view.length);
		tableEl.dataset.page = String(page);
		count.textContent = search ? `${view.length} of ${rows.length}` : `${rows.length}`;
		const pages = Math.max(1, Math.ceil(view.length / pageSize));
		const go = (p: number) => () => {
			page = p;
			render();
		};
		mount(
			pager,
			pages > 1 && h("button", { class: "secondary", disabled: page === 0, onclick: go(page - 1) }, "‹ Prev"),
			pages > 1 && h("span", {}, `page ${page + 1} of ${pages}`),
			pages > 1 && h("button", { class: "secondary", disabled: page >= pages - 1, onclick: go(page + 1) }, "Next ›"),
		);
	}

	return {
		element,
		setRows(next) {
			rows = next;
			recompute();
			render();
		},
		refresh(changed) {
			recompute();
			render(changed);
		},
	};
}
