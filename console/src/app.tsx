export function App() {
  return <h1>Console</h1>;
}
