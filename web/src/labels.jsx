// Label preview and print for a product, lot, order, transfer or location: requested from the
// labels API, rendered by the labels worker, shown here once ready and printed alone on the page.
import { useEffect, useState } from 'preact/hooks';
import { get, imageDataUrl, post } from './api.js';
import { Dialog, Field, FormProblem, useForm } from './ui.jsx';

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function renderLabel(body) {
  let label = await post('/labels', body);
  for (let i = 0; label.status === 'pending' && i < 60; i++) {
    await wait(i < 10 ? 250 : 1000);
    label = await get(`/labels/${label.id}`);
  }
  if (label.status === 'pending') throw new Error('The label is still being rendered; try again in a moment.');
  if (label.status === 'failed') throw new Error(`The label could not be rendered: ${label.reason}`);
  return { label, image: await imageDataUrl(`/labels/${label.id}/image`) };
}

export function LabelButton({ subject, id, name }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="small ghost" onClick={() => setOpen(true)} aria-label={`Label for ${name}`}>Label</button>
      {open && <LabelDialog subject={subject} id={id} name={name} onClose={() => setOpen(false)} />}
    </>
  );
}

function LabelDialog({ subject, id, name, onClose }) {
  const form = useForm({ symbology: subject === 'lot' ? 'gs1_128' : 'qr', size: 'medium' });
  const [result, setResult] = useState(null);
  const preview = form.submit(async (v) => {
    setResult(null);
    setResult(await renderLabel({ subject_type: subject, subject_id: id, symbology: v.symbology, format: 'png', size: v.size }));
  });
  useEffect(() => { preview(); }, []);
  useEffect(() => {
    // Print only the label: the stylesheet hides everything else while body has .printing.
    const after = () => document.body.classList.remove('printing');
    window.addEventListener('afterprint', after);
    return () => window.removeEventListener('afterprint', after);
  }, []);
  const print = () => { document.body.classList.add('printing'); window.print(); };
  return (
    <Dialog title={`Label — ${name}`} open onClose={onClose}>
      <form class="inline" onSubmit={preview}>
        <Field form={form} name="symbology" label="Symbology" options={[
          { value: 'qr', label: 'QR code' }, { value: 'code128', label: 'Code 128' },
          { value: 'gs1_128', label: 'GS1-128' }, { value: 'gs1_datamatrix', label: 'GS1 DataMatrix' },
          { value: 'ean13', label: 'EAN-13 (products with a GTIN)' }]} />
        <Field form={form} name="size" label="Size" options={[
          { value: 'small', label: 'Small' }, { value: 'medium', label: 'Medium' }, { value: 'large', label: 'Large' }]} />
        <button type="submit" disabled={form.busy}>{form.busy ? 'Rendering…' : 'Preview'}</button>
      </form>
      <FormProblem form={form} />
      <div class="label-preview">
        {result ? (
          <figure class="print-area">
            <img src={result.image} alt={`Label: ${result.label.content}`} data-label-id={result.label.id} data-symbology={result.label.symbology} />
            <figcaption>{result.label.content}</figcaption>
          </figure>
        ) : <p class="muted">{form.busy ? 'Rendering the label…' : ''}</p>}
      </div>
      <div class="buttons">
        <button type="button" onClick={print} disabled={!result}>Print</button>
        <button type="button" class="ghost" onClick={onClose}>Close</button>
      </div>
    </Dialog>
  );
}
