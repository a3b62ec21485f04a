// Every store's prepared statements, registered by each PgSession on every connection. A store
// added to infra/ adds its statements() here.
#include "ims/infra/account_store.hpp"
#include "ims/infra/audit_store.hpp"
#include "ims/infra/batch_store.hpp"
#include "ims/infra/bom_store.hpp"
#include "ims/infra/customer_records.hpp"
#include "ims/infra/location_store.hpp"
#include "ims/infra/order_ledger.hpp"
#include "ims/infra/order_store.hpp"
#include "ims/infra/pg.hpp"
#include "ims/infra/product_store.hpp"
#include "ims/infra/reorder_rule_store.hpp"
#include "ims/infra/request_store.hpp"
#include "ims/infra/session_store.hpp"
#include "ims/infra/stock_ledger.hpp"
#include "ims/infra/stock_store.hpp"
#include "ims/infra/supplier_store.hpp"
#include "ims/infra/transfer_store.hpp"
#include "ims/infra/user_records.hpp"
#include "ims/infra/webhook_store.hpp"

namespace ims::infra {
namespace {

PreparedStatements all_store_statements() {
  PreparedStatements all;
  for (auto&& part : {PgOrderStore::statements(),        PgSupplierStore::statements(),
                      PgLocationStore::statements(),     PgReorderRuleStore::statements(),
                      PgProductStore::statements(),      PgBomStore::statements(),
                      PgAuditLog::statements(),          PgTransferStore::statements(),
                      PgRequestStore::statements(),      PgBatchStore::statements(),
                      PgStockStore::statements(),        PgStockLedger::statements(),
                      PgOrderLedger::statements(),       PgUserStore::statements(),
                      PgLocationLookup::statements(),    PgEmailVerificationStore::statements(),
                      PgTerminalStore::statements(),     PgAccountMailbox::statements(),
                      PgRefreshTokenStore::statements(), PgCustomerStore::statements(),
                      PgWebhookStore::statements()}) {
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

}  // namespace

const PreparedStatements& store_statements() {
  static const PreparedStatements all = all_store_statements();  // constant after first use
  return all;
}

}  // namespace ims::infra
