// @vitest-environment jsdom
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DataTable, type Column } from './data-table';

interface Run {
  id: string;
  total: number;
}
const columns: Column<Run>[] = [
  { id: 'id', header: 'Run', cell: (r) => r.id },
  {
    id: 'total',
    header: 'Total',
    align: 'right',
    cellClassName: 'font-mono text-caption text-fg-2',
    cell: (r) => r.total,
  },
];

function render(variant?: 'data' | 'list'): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = renderToStaticMarkup(
    <DataTable
      columns={columns}
      data={[
        { id: 'r1', total: 5 },
        { id: 'r2', total: 7 },
      ]}
      getRowId={(r) => r.id}
      testId="runs"
      variant={variant}
    />,
  );
  return root;
}

describe('DataTable', () => {
  it('renders the rows, with the test id on the table', () => {
    const table = render().querySelector('table[data-testid=runs]')!;
    expect([...table.querySelectorAll('tbody tr')].map((tr) => tr.textContent)).toEqual(['r15', 'r27']);
  });

  it('gives cellClassName to the cells only, alignment to both', () => {
    const root = render();
    const [, th] = root.querySelectorAll('th');
    const [, td] = root.querySelectorAll('tbody tr:first-child td');
    expect(td!.className).toContain('font-mono');
    expect(td!.className).toContain('text-right');
    expect(th!.className).not.toContain('font-mono');
    expect(th!.className).toContain('text-right');
  });

  it('keeps the caption size beside a colour (tailwind-merge reads text-caption as a colour)', () => {
    const list = render('list');
    const [, td] = list.querySelectorAll('tbody tr:first-child td');
    expect(td!.className).toContain('text-caption');
    expect(td!.className).toContain('text-fg-2');
    // The list look's headers are caption-sized through their row.
    expect(list.querySelector('thead tr')!.className).toContain('text-caption');
  });

  it('list look: tighter cells, every row highlighted under the pointer', () => {
    const list = render('list');
    expect(list.querySelector('td')!.className).toContain('px-4 py-2');
    expect(list.querySelector('tbody tr')!.className).toContain('hover:bg-input');
    const data = render('data');
    expect(data.querySelector('td')!.className).toContain('px-3 py-2.5');
    // Rows of the data look are highlighted only when they can be clicked.
    expect(data.querySelector('tbody tr')!.className).not.toContain('hover:bg-input');
  });

  it('sticky header: the header cells stick to the top of a box that scrolls both ways', () => {
    const root = document.createElement('div');
    root.innerHTML = renderToStaticMarkup(
      <DataTable columns={columns} data={[{ id: 'r1', total: 5 }]} getRowId={(r) => r.id} stickyHeader />,
    );
    const box = root.querySelector('[data-sticky-header]')!;
    expect(box.className).toContain('overflow-y-auto');
    expect(box.className).toContain('max-h-');
    for (const th of root.querySelectorAll('th')) expect(th.className).toContain('sticky top-0');
    // Without the option nothing sticks and the box only scrolls sideways.
    const plain = render();
    expect(plain.querySelector('[data-sticky-header]')).toBeNull();
    expect(plain.querySelector('th')!.className).not.toContain('sticky');
  });
});
