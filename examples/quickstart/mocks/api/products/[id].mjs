// GET /products/{id} from the mock folder: a function of the request. Return a value (JSON), or a
// Response for another status. Edit and save: the next request sees the change.
const products = {
  1: { id: 1, name: 'Analytical Engine', price: 1843, stock: 3 },
  2: { id: 2, name: 'Difference Engine', price: 1822, stock: 0 },
};

export default function product({ params, query }) {
  const product = products[params.id];
  if (!product) return Response.json({ error: `no product ${params.id}` }, { status: 404 });
  return query.currency ? { ...product, currency: query.currency } : product;
}
