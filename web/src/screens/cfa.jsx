// The CFA's first screen: its own stock, its requests to the factory, transfers in and out, and
// the orders of the stockists it supplies.
import { useSession } from '../ui.jsx';
import { AlertsPanel, OrdersPanel, StockPanel } from './common.jsx';
import { RequestForm, RequestsPanel, TransfersPanel } from './transfers.jsx';

export function CfaHome() {
  const me = useSession();
  return (
    <div class="grid">
      <StockPanel title="Our stock" locationId={me.location?.id} />
      <RequestForm />
      <RequestsPanel title="Our requests" />
      <TransfersPanel title="Transfers in and out" />
      <OrdersPanel title="Orders from our stockists and to our suppliers" />
      <AlertsPanel />
    </div>
  );
}
